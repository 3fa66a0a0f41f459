"""The worker's side of `autograder.grade.forkserver`: nbgrader's Execute with kernels forked
from the template (`ForkExecute`), through a kernel manager whose provisioner asks the template
and falls back to starting the kernel the usual way."""

from __future__ import annotations

import os
import signal
import sys
import uuid

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbgrader.preprocessors import Execute

from autograder.grade import forkserver


class Kernel:
    """What `LocalProvisioner` uses of a ``Popen``, for a kernel that the template forked."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere (`contain.reap`): gone
                self.returncode = -9
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                self.returncode = -9
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """`LocalProvisioner`, with the kernel forked from the template where there is one."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        pid = None
        cwd = kwargs.get("cwd") or os.getcwd()
        if cmd[:3] == [sys.executable, *forkserver.COMMAND]:
            pid = forkserver.fork_kernel(cmd[3:], dict(kwargs.get("env") or os.environ), cwd)
        if pid is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = Kernel(pid)
        self.pid = self.pgid = pid  # the kernel leads its own session, as with Popen
        self.cwd = cwd
        return self.connection_info


class ForkKernelManager(AsyncKernelManager):
    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)


class ForkExecute(Execute):
    """nbgrader's Execute, with kernels from the template."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", ForkKernelManager)
        super().__init__(*args, **kwargs)
