// Field errors as text, the way upstream's field.ErrorList aggregate prints inside selector
// parse errors: `values[0][env]: Invalid value: "a b": …`, several as `[e1, e2]`. A nil path
// prints as `<nil>` (what a selector key error shows upstream).

export interface SelectorFieldError {
  /** The field path; undefined prints as upstream's nil path, `<nil>`. */
  field: string | undefined;
  /** The value already rendered as Go's %q / %#v would. */
  value: string;
  detail: string;
}

/**
 * Go's rendering of a string (%q) or a []string (%#v). Empty value lists only reach an error from
 * the object form, where upstream holds them as a nil slice: `[]string(nil)`.
 */
export function goValue(v: string | string[]): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return v.length === 0 ? '[]string(nil)' : `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
}

export function fieldErrorText(e: SelectorFieldError): string {
  return `${e.field ?? '<nil>'}: Invalid value: ${e.value}: ${e.detail}`;
}

/** An aggregate's message: the single error, or all of them in brackets. */
export function formatFieldErrors(errs: SelectorFieldError[]): string {
  const list = errs.map(fieldErrorText);
  return list.length === 1 ? list[0] : `[${list.join(', ')}]`;
}
