/** The input for one job parameter, chosen by its type, with its rules as the description. */
import { MultiSelect, NumberInput, PasswordInput, Select, Switch, TagsInput, TextInput } from '@mantine/core';
import type { ParameterSpec } from '../api/job-types.ts';
import { constraintText, type FieldValue } from '../lib/params.ts';

export function ParameterField({
  spec,
  value,
  error,
  onChange,
}: {
  spec: ParameterSpec;
  value: FieldValue | undefined;
  error: string | undefined;
  onChange: (value: FieldValue) => void;
}) {
  const rules = constraintText(spec);
  const description = [spec.description, rules].filter(Boolean).join(' — ') || undefined;
  const common = {
    label: spec.name,
    description,
    error,
    // A required parameter with a default is filled in already; the asterisk marks what must be typed.
    withAsterisk: spec.required && spec.default === undefined,
    'data-testid': `param-${spec.name}`,
  };
  const text = typeof value === 'string' ? value : '';
  const list = Array.isArray(value) ? value : [];

  switch (spec.type) {
    case 'string':
      return (
        <TextInput
          {...common}
          value={text}
          spellCheck={false}
          autoCapitalize="none"
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case 'secret':
      return (
        <PasswordInput
          {...common}
          value={text}
          autoComplete="new-password"
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case 'integer':
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          min={spec.minimum}
          max={spec.maximum}
          allowDecimal={spec.type === 'number'}
          clampBehavior="none"
          maw={260}
          onChange={(v) => onChange(v)}
        />
      );
    case 'boolean':
      return (
        <Switch
          label={spec.name}
          description={description}
          error={error}
          data-testid={common['data-testid']}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
      );
    case 'enum':
      return spec.multiple ? (
        <MultiSelect
          {...common}
          data={[...spec.values]}
          value={list}
          onChange={onChange}
          clearable
          searchable
          comboboxProps={{ keepMounted: false }}
        />
      ) : (
        <Select
          {...common}
          data={[...spec.values]}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v)}
          clearable={!spec.required}
          allowDeselect={!spec.required}
          searchable
          maw={360}
          comboboxProps={{ keepMounted: false }}
        />
      );
    case 'array':
      return (
        <TagsInput
          {...common}
          description={[description, 'Enter after each value'].filter(Boolean).join(' — ')}
          value={list}
          onChange={onChange}
          clearable
          allowDuplicates
          splitChars={[]}
        />
      );
  }
}
