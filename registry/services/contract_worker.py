"""The child process that reads one contract file: limits itself first, then reads stdin and answers in JSON.

Started by `contract_files.extract_isolated` as `python -I contract_worker.py LIMITS`; nothing of the web process
is inherited but the file's bytes. CPU time past the limit ends the process (SIGXCPU, then SIGKILL); an
allocation past the address-space limit fails inside the child, which answers {"memory": true}.
"""

import json
import resource
import sys
from pathlib import Path


def _set_limits(limits: dict) -> None:
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _out_of_memory(exc: BaseException | None) -> bool:
    """True when the failure, or what caused it, is an allocation refused (lxml reports it as a parse error
    "unknown error" whose log says ERR_NO_MEMORY)."""
    while exc is not None:
        if isinstance(exc, MemoryError) or any(e.type_name == "ERR_NO_MEMORY" for e in getattr(exc, "error_log", ())):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def peak_rss_bytes() -> int | None:
    """This process's peak resident memory since it started this program (VmHWM: the exec reset it), on Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def main() -> int:
    limits = json.loads(sys.argv[1])
    _set_limits(limits)
    data = sys.stdin.buffer.read()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    try:
        from registry.services.contract_files import ContractFileError, ParseLimits, extract

        try:
            result = extract(data, ParseLimits(**limits))
        except ContractFileError as exc:
            answer = {"memory": True} if _out_of_memory(exc) else {"refused": exc.msgid, "values": exc.values}
        else:
            answer = {"kind": result.kind, "pages": result.pages,
                      "lines": [[ln.page, ln.number, ln.text, ln.heading_level] for ln in result.lines]}
    except MemoryError:
        answer = {"memory": True}
    answer["peak_rss_bytes"] = peak_rss_bytes()
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
