// "Last asked wins": answers can come back in another order than they were asked for (a reader types on, or
// changes a filter before the first answer arrives). Each request takes a check from `ask()`; its answer is
// used only while the check holds, that is while nothing was asked for (or cancelled) after it. One owner for
// the lists, the search page and the search box's suggestions.
export class LastAsked {
  #n = 0;

  /** Starts a request: the check holds until a later one is asked for or `cancel` is called. */
  ask(): () => boolean {
    const mine = ++this.#n;
    return () => mine === this.#n;
  }

  /** A check for the request in flight, without starting a new one (a page appended to the same list). */
  current(): () => boolean {
    const mine = this.#n;
    return () => mine === this.#n;
  }

  /** Drops whatever is in flight: its answer will not be used. */
  cancel(): void {
    this.#n++;
  }
}
