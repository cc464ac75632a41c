/**
 * The SOAP faults the test server sends. TimedOut, InvalidSelectors and
 * InvalidMessageInformationHeader are copied from recorded Windows responses (codes and texts);
 * the others follow the same shape with Windows' documented wording, codes marked "illustrative"
 * are not taken from a recording. Windows answers every fault with HTTP 500.
 */
export interface FaultSpec {
  readonly role: 'Sender' | 'Receiver';
  /** Qualified subcode, e.g. `w:TimedOut`; the `a:`/`w:` prefix picks the fault Action. */
  readonly subcode: string;
  readonly reason: string;
  readonly message: string;
  /** WSManFault Code attribute (a Win32/WS-Man error number). */
  readonly code: number;
  readonly faultDetail?: string;
}

const TIMEOUT_TEXT =
  'The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ';
const SELECTORS_REASON =
  'The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ';
const UNEXPECTED_SELECTORS = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors';

export const faults = {
  /** What Windows sends when a Receive's OperationTimeout passes with no output. */
  timedOut: (): FaultSpec => ({
    role: 'Receiver',
    subcode: 'w:TimedOut',
    reason: TIMEOUT_TEXT,
    message: TIMEOUT_TEXT,
    code: 2150858793,
  }),
  unknownCommand: (): FaultSpec => ({
    role: 'Sender',
    subcode: 'w:InvalidSelectors',
    reason: SELECTORS_REASON,
    message:
      'The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist. Either the command has completed execution or the client specified an invalid command identifier. ',
    code: 2150858843,
    faultDetail: UNEXPECTED_SELECTORS,
  }),
  unknownShell: (shellId: string): FaultSpec => ({
    role: 'Sender',
    subcode: 'w:InvalidSelectors',
    reason: SELECTORS_REASON,
    message: `The request for the Windows Remote Shell with ShellId ${shellId} failed because the shell was not found on the server. Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation. `,
    code: 2150858843,
    faultDetail: UNEXPECTED_SELECTORS,
  }),
  invalidHeader: (message: string): FaultSpec => ({
    role: 'Sender',
    subcode: 'a:InvalidMessageInformationHeader',
    reason:
      'The WS-Management service cannot process the request. The request contains one or more invalid SOAP headers. ',
    message: `The WS-Management service cannot process the request. ${message} `,
    code: 2150858767,
  }),
  /** Illustrative code. */
  actionNotSupported: (action: string): FaultSpec => ({
    role: 'Sender',
    subcode: 'a:ActionNotSupported',
    reason: 'The action is not supported by the service. ',
    message: `The WS-Management service cannot process the request because the action ${action} is not supported. `,
    code: 2150858754,
  }),
  /** Illustrative code. */
  destinationUnreachable: (resourceUri: string): FaultSpec => ({
    role: 'Sender',
    subcode: 'w:DestinationUnreachable',
    reason: 'The WS-Management service cannot process the request because the resource URI is not valid. ',
    message: `The WS-Management service cannot process the request. The resource URI (${resourceUri}) was not found in the WS-Management catalog. `,
    code: 2150858770,
  }),
  /** Illustrative code. */
  malformedXml: (): FaultSpec => ({
    role: 'Sender',
    subcode: 'w:SchemaValidationError',
    reason: 'The SOAP XML in the message does not match the corresponding XML schema definition. ',
    message: 'The WS-Management service cannot process the request because the XML is invalid. ',
    code: 2150858817,
  }),
  /** What winrscmd.dll answers for a request body it cannot use (recorded: fail_poll_process). */
  invalidParameter: (): FaultSpec => ({
    role: 'Sender',
    subcode: 'w:InvalidParameter',
    reason: 'The parameter is incorrect. ',
    message: 'The parameter is incorrect. ',
    code: 87,
    faultDetail: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue',
  }),
  /** Used by the `http500Fault` fault injection (recorded shape: no_cmd_shell). */
  internalError: (): FaultSpec => ({
    role: 'Receiver',
    subcode: 'w:InternalError',
    reason: 'The system cannot find the file specified. ',
    message: 'The system cannot find the file specified. ',
    code: 2147942402,
  }),
} as const;
