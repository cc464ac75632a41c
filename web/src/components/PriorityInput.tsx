/** The run priority field of the launch, schedule and trigger forms. */
import { NumberInput } from '@mantine/core';

export function PriorityInput(props: {
  value: number | string;
  onChange: (value: number | string) => void;
  error?: string | undefined;
  description?: string;
}) {
  return (
    <NumberInput
      label="Priority"
      description={props.description ?? 'From -100 to 100: when workers are busy, higher starts first'}
      min={-100}
      max={100}
      allowDecimal={false}
      maw={260}
      value={props.value}
      error={props.error}
      onChange={props.onChange}
    />
  );
}

/** The number to send: a blank or partial field counts as 0. */
export const priorityOf = (value: number | string): number => (typeof value === 'number' ? value : 0);
