import { PasswordInput, type PasswordInputProps } from '@mantine/core';

/**
 * A password field whose show/hide button is not named after the field, so the field's label
 * ("Password") finds exactly one element for assistive tech and browser tests.
 */
export function SecretInput(props: PasswordInputProps) {
  return (
    <PasswordInput visibilityToggleButtonProps={{ 'aria-label': 'Show or hide characters' }} {...props} />
  );
}
