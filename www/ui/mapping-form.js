// The one column-mapping form of the page and the widget: shown when the
// core rejects with kind 'columns' (a header the aliases cannot map); the
// error says which `fields` a column can be chosen for (from the core's
// schema), which are `missing` and which `columns` the file has.
// The user picks a column per field and runs again with `parse.map`.
import { h } from './dom.js';

/**
 * Fills the mapping form for a file whose header could not be mapped: the
 * explanation in `text`, one labelled <select> per field in `fields`
 * (required for the missing ones, the others "Detected automatically").
 * Submitting calls `onSubmit(map)` with the columns chosen, e.g.
 * `{clicks: 'Klicks'}`. Showing the form and moving focus are the caller's.
 * @param {{form: HTMLFormElement, text: HTMLElement, fields: HTMLElement}} view
 * @param {string} fileName
 * @param {{missing?: string[], columns?: string[], fields?: string[]}} err the core's error (kind 'columns')
 * @param {(map: Record<string, string>) => void} onSubmit
 */
export function showMapping({ form, text, fields }, fileName, err, onSubmit) {
  const missing = new Set(err.missing ?? []);
  text.textContent =
    `adagg could not find ${[...missing].join(', ')} in the header of ${fileName || 'the file'}. ` +
    'Choose the column that holds each field, then run again.';
  const columns = err.columns ?? [];
  const choosable = err.fields ?? [...missing];
  fields.replaceChildren(
    ...choosable.map((field) => {
      const id = `map-${field}`;
      const select = h('select', { id, name: field }, [
        h('option', { value: '', text: missing.has(field) ? 'Choose a column…' : 'Detected automatically' }),
        ...columns.map((c) => h('option', { value: c, text: c })),
      ]);
      select.required = missing.has(field);
      return h('div', { className: 'mapping-field' }, [h('label', { for: id, text: field }), select]);
    }),
  );
  form.onsubmit = (e) => {
    e.preventDefault();
    const map = {};
    for (const field of choosable) {
      const v = form.elements[field].value;
      if (v) map[field] = v;
    }
    onSubmit(map);
  };
}
