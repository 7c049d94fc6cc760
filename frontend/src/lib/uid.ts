let n = 0;
/** A page-unique id for aria-labelledby and friends, when a component can appear more than once. */
export function uid(prefix: string): string {
  n += 1;
  return `${prefix}-${n}`;
}
