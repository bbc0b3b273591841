// Small helpers to build the panel's DOM without innerHTML (nothing from a message is ever parsed as HTML).

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function clear(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild);
}

/** A labelled form row: <label for=id>text</label> + control (+ optional hint). */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null,
  );
}

export function button(label: string, attributes: Attributes = {}): HTMLButtonElement {
  return h('button', { type: 'button', ...attributes }, label);
}

export function select(id: string, options: ReadonlyArray<readonly [string, string]>, value?: string): HTMLSelectElement {
  const element = h('select', { id });
  setOptions(element, options, value);
  return element;
}

export function setOptions(element: HTMLSelectElement, options: ReadonlyArray<readonly [string, string]>, value?: string): void {
  clear(element);
  for (const [optionValue, text] of options) element.appendChild(h('option', { value: optionValue }, text));
  if (value !== undefined && options.some(([v]) => v === value)) element.value = value;
}
