import { Select, type SelectProps } from '@fluentui/react-components';
import { Children, isValidElement, type ReactNode } from 'react';

/**
 * Single choice as a native <select> (Fluent `Select`), with the small part of Fluent's Dropdown API
 * the screens use. Why: in this build (React 19.3 + react-combobox 9.17) Fluent's Dropdown closes
 * again on a mouse click (the outside-click handler sees the opening click), while the native select
 * works with mouse, keyboard, touch and screen readers everywhere, including Teams.
 */
export function Option(_props: { value: string; text?: string; children?: ReactNode }): null {
  return null;
}

function textOf(node: ReactNode): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return '';
}

export interface ChoiceProps {
  readonly selectedOptions?: readonly string[];
  readonly onOptionSelect?: (
    event: unknown,
    data: {
      optionValue: string | undefined;
      optionText: string | undefined;
      selectedOptions: string[];
    },
  ) => void;
  readonly placeholder?: string;
  readonly value?: string;
  readonly disabled?: boolean;
  readonly className?: string;
  readonly 'aria-label'?: string;
  readonly id?: string;
  readonly children: ReactNode;
}

export function Dropdown(props: ChoiceProps) {
  const options = Children.toArray(props.children)
    .filter(isValidElement)
    .map((el) => {
      const p = el.props as { value: string; text?: string; children?: ReactNode };
      return { value: p.value, label: p.text ?? textOf(p.children) };
    });
  const selected = props.selectedOptions?.[0] ?? '';
  const hasEmpty = options.some((o) => o.value === '');
  const extra: SelectProps = {};
  if (props['aria-label']) extra['aria-label'] = props['aria-label'];
  if (props.id) extra.id = props.id;
  return (
    <Select
      {...extra}
      className={props.className}
      disabled={props.disabled ?? false}
      value={selected}
      onChange={(event, d) =>
        props.onOptionSelect?.(event, {
          optionValue: d.value,
          optionText: options.find((o) => o.value === d.value)?.label,
          selectedOptions: [d.value],
        })
      }
    >
      {!hasEmpty && selected === '' && (
        <option value="" disabled>
          {props.placeholder ?? ''}
        </option>
      )}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </Select>
  );
}
