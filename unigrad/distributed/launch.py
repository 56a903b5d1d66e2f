"""`unigrad run -n N script.py [args]`: start N ranks of a data-parallel job on this machine.

It runs mpiexec (the one installed beside this Python, as `pip install mpich` puts it, else the
first on PATH) with `python -m mpi4py script.py`, so that an exception in any rank ends the
whole job instead of leaving the others waiting in a collective. Several machines: call
mpiexec yourself with a host file, the same way (docs/distributed.md).
"""
import argparse
import os
import shutil
import subprocess
import sys

OUTPUT_RANKS = "UNIGRAD_OUTPUT_RANKS"  # read by init_process_group in each rank
_USAGE = "unigrad run [-n N] [--timeout S] [--output RANKS] (script.py | -m module) [args ...]"


def find_mpiexec():
    """mpiexec beside sys.executable (a venv's pip-installed MPI), else on PATH, else None."""
    here = os.path.dirname(sys.executable)
    for name in ("mpiexec", "mpirun"):
        found = shutil.which(name, path=here) or shutil.which(name)
        if found:
            return found
    return None


def command(nproc, target, args, module=False, mpiexec=None):
    """The argv that starts the job (exported for the tests and for users' own scripts)."""
    mpiexec = mpiexec or find_mpiexec()
    if mpiexec is None:
        raise SystemExit("unigrad run: no mpiexec found; install an MPI library (`pip install mpich`, or your "
                         "system's openmpi/mpich package) and mpi4py")
    argv = [mpiexec, "-n", str(nproc)]
    if _is_open_mpi(mpiexec):  # Open MPI refuses more ranks than cores, and root, unless told
        argv += ["--oversubscribe"] + (["--allow-run-as-root"] if hasattr(os, "geteuid") and os.geteuid() == 0
                                        else [])
    argv += [sys.executable, "-m", "mpi4py"] + (["-m", target] if module else [target]) + list(args)
    return argv


def _is_open_mpi(mpiexec):
    try:
        out = subprocess.run([mpiexec, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "Open MPI" in out or "OpenRTE" in out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="unigrad run", usage=_USAGE,
                                     description="Run a data-parallel training script on N processes (ranks).")
    parser.add_argument("-n", "--nproc", "--nproc-per-node", dest="nproc", type=int, default=2,
                        help="number of ranks (default 2)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="end the job after S seconds (a rank that hangs cannot hold the others forever)")
    parser.add_argument("--output", default="0", metavar="RANKS",
                        help="whose standard output to show: '0' (rank 0, the default: one log, one progress "
                             "line), 'all', or ranks such as '0,2'; every rank's errors are shown")
    parser.add_argument("-m", dest="module", action="store_true", help="run a module, as python -m does")
    parser.add_argument("target", help="the script (or module, with -m)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    opts = parser.parse_args(argv)
    if opts.nproc < 1:
        parser.error(f"-n must be >= 1, got {opts.nproc}")
    if not opts.module and not os.path.exists(opts.target):
        parser.error(f"no such script: {opts.target}")
    os.environ[OUTPUT_RANKS] = opts.output
    return run(command(opts.nproc, opts.target, opts.args, opts.module), opts.timeout)


def run(argv, timeout=None):
    """Run the job; past `timeout` seconds every process of it is ended (mpiexec and its ranks
    share a new process group, so none is left behind)."""
    proc = subprocess.Popen(argv, start_new_session=True)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end(proc)
        print(f"unigrad run: the job ran past --timeout {timeout} s and was ended", file=sys.stderr)
        return 124
    except KeyboardInterrupt:
        _end(proc)
        return 130


def _end(proc):
    import signal
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass


if __name__ == "__main__":
    sys.exit(main())
