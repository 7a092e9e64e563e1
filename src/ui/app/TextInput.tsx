import { Text } from 'ink';
import { editLine } from './line-edit.js';
import { Styled } from './Styled.js';
import { useKeys } from './use-keys.js';

interface TextInputProps {
  label: string;
  value: string;
  placeholder?: string;
  onChange(value: string): void;
  onSubmit(value: string): void;
  onCancel(): void;
}

/** A one-line input with a block cursor; Enter submits, Esc cancels. */
export function TextInput({ label, value, placeholder, onChange, onSubmit, onCancel }: TextInputProps) {
  useKeys((input, key) => {
    if (key.return) return onSubmit(value);
    if (key.escape) return onCancel();
    const next = editLine(value, input, key);
    if (next !== undefined) onChange(next);
  });
  return (
    <Text>
      <Styled tone="accent">{label} </Styled>
      {value.length > 0 ? value : <Styled tone="muted">{placeholder ?? ''}</Styled>}
      <Text>█</Text>
    </Text>
  );
}
