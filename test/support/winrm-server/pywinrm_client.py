"""Drives pywinrm (Debian python3-winrm) against the orca WinRM test server.

Reads one JSON job on stdin:
  {"url", "username", "password", "transport", "message_encryption",
   "server_cert_validation", "ca_trust_path", "operation_timeout_sec", "read_timeout_sec",
   "steps": [{"cmd": "whoami", "args": []} | {"ps": "Write-Output hi"} | {"stdin_ps": "script"}
             | {"kill": "sleep 30"} | {"command_in_shell": "<shell id>"}]}
and prints one JSON document {"steps": [...]}, one result per step:
  {"ok": true, "stdout", "stderr", "status"}, {"ok": true, "first_receive": {...}} for "kill",
  or {"ok": false, "error": "<exception class>", "message"}.
stdout/stderr are decoded as UTF-8 with replacement; for "ps" steps (Session.run_ps, which runs
`powershell -encodedcommand`) stderr is what pywinrm's own CLIXML clean-up makes of it.
All steps share one winrm.Session, so they reuse pywinrm's keep-alive connection.
"""

import base64
import json
import sys

import winrm
import xmltodict
from winrm.exceptions import WinRMOperationTimeoutError


class Session(winrm.Session):
    # pywinrm 0.3.0's run_ps hands the stderr bytes to _clean_error_msg, which compares them with a
    # str and raises TypeError on Python 3 (fixed upstream later); decode first, keep its clean-up.
    def _clean_error_msg(self, msg):
        if isinstance(msg, bytes):
            msg = msg.decode("utf-8", "replace")
        return super()._clean_error_msg(msg)


def text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def send_stdin(protocol, shell_id, command_id, data):
    # pywinrm 0.3.0 has no Send; build one with its own header helper, as its later versions do.
    req = {"env:Envelope": protocol._get_soap_header(
        resource_uri="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd",
        action="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send",
        shell_id=shell_id)}
    stream = req["env:Envelope"].setdefault("env:Body", {}).setdefault("rsp:Send", {}).setdefault("rsp:Stream", {})
    stream["@Name"] = "stdin"
    stream["@CommandId"] = command_id
    stream["@End"] = "true"
    stream["#text"] = base64.b64encode(data).decode("ascii")
    protocol.send_message(xmltodict.unparse(req))


def run_step(session, step):
    if "cmd" in step:
        rs = session.run_cmd(step["cmd"], step.get("args", []))
    elif "ps" in step:
        rs = session.run_ps(step["ps"])
    elif "stdin_ps" in step:
        # powershell.exe reading its script from stdin, fed by one Send with End="true".
        p = session.protocol
        shell_id = p.open_shell()
        command_id = p.run_command(shell_id, "powershell.exe", ["-NoProfile", "-Command", "-"])
        send_stdin(p, shell_id, command_id, step["stdin_ps"].encode("utf-8"))
        rs = winrm.Response(p.get_command_output(shell_id, command_id))
        p.cleanup_command(shell_id, command_id)
        p.close_shell(shell_id)
    elif "env_ps" in step:
        # A shell created with environment variables (rsp:Environment), read by the command.
        p = session.protocol
        shell_id = p.open_shell(env_vars=step["env"], codepage=65001)
        script = step["env_ps"]
        encoded = base64.b64encode(script.encode("utf_16_le")).decode("ascii")
        command_id = p.run_command(shell_id, "powershell -encodedcommand %s" % encoded)
        rs = winrm.Response(p.get_command_output(shell_id, command_id))
        p.cleanup_command(shell_id, command_id)
        p.close_shell(shell_id)
    elif "command_in_shell" in step:
        # A command for a shell id the server never issued.
        session.protocol.run_command(step["command_in_shell"], "whoami")
        return {"ok": True, "stdout": "", "stderr": "", "status": -1}
    else:
        # Start a long command, take one Receive, then clean up as pywinrm does (Signal terminate, Delete).
        p = session.protocol
        shell_id = p.open_shell()
        command_id = p.run_command(shell_id, step["kill"])
        try:
            out = p._raw_get_command_output(shell_id, command_id)
            first = {"stdout": text(out[0]), "done": out[3]}
        except WinRMOperationTimeoutError:
            first = {"stdout": "", "done": False, "timed_out": True}
        p.cleanup_command(shell_id, command_id)
        p.close_shell(shell_id)
        return {"ok": True, "first_receive": first}
    return {"ok": True, "stdout": text(rs.std_out), "stderr": text(rs.std_err), "status": rs.status_code}


def main():
    job = json.load(sys.stdin)
    kwargs = {
        "transport": job.get("transport", "ntlm"),
        "server_cert_validation": job.get("server_cert_validation", "validate"),
        "operation_timeout_sec": job.get("operation_timeout_sec", 20),
        "read_timeout_sec": job.get("read_timeout_sec", 30),
    }
    if "message_encryption" in job:
        kwargs["message_encryption"] = job["message_encryption"]
    if "ca_trust_path" in job:
        kwargs["ca_trust_path"] = job["ca_trust_path"]
    results = []
    try:
        session = Session(job["url"], auth=(job["username"], job["password"]), **kwargs)
    except Exception as e:  # noqa: BLE001 - reported to the test as data
        results.append({"ok": False, "error": type(e).__name__, "message": str(e)})
        print(json.dumps({"steps": results}))
        return
    for step in job["steps"]:
        try:
            results.append(run_step(session, step))
        except Exception as e:  # noqa: BLE001 - reported to the test as data
            results.append({"ok": False, "error": type(e).__name__, "message": str(e)})
    print(json.dumps({"steps": results}))


if __name__ == "__main__":
    main()
