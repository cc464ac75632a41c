/** Problems with a job document, each at its path: the save's errors, or its warnings. */
import { Alert, Code, List, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** `body.document.steps[0].timeout` → `steps[0].timeout`; the document itself → `(document)`. */
export function documentPath(path: string): string {
  const inDocument = path.replace(/^body\.(document|definition)\.?/, '');
  if (inDocument !== path) return inDocument || '(document)';
  return path.replace(/^body\.?/, '') || '(request)';
}

export function JobProblems({
  problems,
  title,
  color,
  testId,
  children,
}: {
  problems: readonly Problem[];
  title: string;
  color: 'red' | 'yellow';
  testId: string;
  children?: ReactNode;
}) {
  return (
    <Alert color={color} title={title} role={color === 'red' ? 'alert' : 'status'} data-testid={testId}>
      {children}
      {problems.length > 0 && (
        <List size="sm" spacing={4} mt={children ? 'xs' : 0}>
          {problems.map((p) => (
            <List.Item key={`${p.path}|${p.message}`} data-testid={`${testId}-item`}>
              <Code>{documentPath(p.path)}</Code>{' '}
              <Text span size="sm">
                {p.message}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
