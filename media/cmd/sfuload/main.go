// Command sfuload measures the SFU under an exchange-day load: one speaker
// sending Opus-sized packets at 50 packets/s (a counter and a send
// timestamp in each payload), N audio-only listeners. It starts the SFU in
// a child process pinned with taskset (default core 0) and reports
// per-listener loss, added latency p50/p99, floor-grant-to-first-packet
// time, and the SFU's CPU and RSS read from /proc. Run the tool itself on
// the other core:
//
//	go build -o /tmp/sfuload ./media/cmd/sfuload
//	taskset -c 1 /tmp/sfuload -listeners 200 -duration 20s
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

func main() {
	var (
		mode      = flag.String("mode", "run", "run (drive the load) or sfu (child: serve an SFU)")
		listeners = flag.Int("listeners", 50, "number of listener peers")
		duration  = flag.Duration("duration", 20*time.Second, "measurement window")
		rate      = flag.Int("rate", 50, "speaker packets per second")
		sfuCPU    = flag.Int("sfu-cpu", 0, "core to pin the SFU child to with taskset; -1 disables pinning")
		connect   = flag.String("connect", "", "signalling address of an SFU already running (sfuload -mode sfu); with -sfu-pid")
		sfuPID    = flag.Int("sfu-pid", 0, "pid of the SFU process when using -connect")
		parallel  = flag.Int("join-parallel", 16, "listeners joining at once")
	)
	flag.Parse()
	log.SetFlags(0)
	if *mode == "sfu" {
		if err := serveSFU(); err != nil {
			log.Fatal(err)
		}
		return
	}
	addr, pid := *connect, *sfuPID
	if addr == "" {
		var stop func()
		var err error
		addr, pid, stop, err = startChild(*sfuCPU)
		if err != nil {
			log.Fatal(err)
		}
		defer stop()
	}
	res, err := run(context.Background(), loadConfig{addr: addr, pid: pid, listeners: *listeners, duration: *duration, rate: *rate, parallel: *parallel})
	if err != nil {
		log.Fatal(err)
	}
	res.print(os.Stdout)
	if os.Getenv("SFULOAD_DEBUG") != "" {
		res.debug(os.Stdout)
	}
}

// startChild runs this binary in sfu mode, pinned to core cpu, and returns
// its signalling address and pid.
func startChild(cpu int) (string, int, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", 0, nil, err
	}
	args := []string{self, "-mode", "sfu"}
	if cpu >= 0 {
		tp, err := exec.LookPath("taskset")
		if err != nil {
			return "", 0, nil, fmt.Errorf("taskset not found (use -sfu-cpu -1): %w", err)
		}
		args = append([]string{tp, "-c", strconv.Itoa(cpu)}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, err
	}
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "READY ") {
		stop()
		return "", 0, nil, fmt.Errorf("child did not start: %q %v", line, err)
	}
	return strings.TrimSpace(strings.TrimPrefix(line, "READY ")), cmd.Process.Pid, stop, nil
}

// dial opens one signalling connection with the given role.
func dial(addr, role string) (*frameConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	if _, err := c.Write([]byte(role + "\n")); err != nil {
		_ = c.Close()
		return nil, err
	}
	return newFrameConn(c), nil
}

// procStats reads CPU time (user+system) and RSS of pid from /proc.
func procStats(pid int) (cpu time.Duration, rssKB int64, err error) {
	cpu, _, rssKB, err = procStatsSplit(pid)
	return cpu, rssKB, err
}

// procStatsSplit also returns the system (kernel) share of the CPU time.
func procStatsSplit(pid int) (cpu, sys time.Duration, rssKB int64, err error) {
	if pid <= 0 {
		return 0, 0, 0, errors.New("no pid")
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0, 0, 0, errors.New("short /proc stat")
	}
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	cpu = time.Duration(ut+st) * (time.Second / 100) // USER_HZ is 100 on Linux
	sys = time.Duration(st) * (time.Second / 100)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			rssKB, _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	return cpu, sys, rssKB, nil
}
