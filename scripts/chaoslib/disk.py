"""The record's disk going away: `data/` on a small tmpfs that is filled up (ENOSPC) while `serve`
runs, and given back before the last start. Mounting needs root
(CAP_SYS_ADMIN); without it the fault is skipped and the trial line says so."""

import os
import subprocess

SIZE = "64m"


def available():
    return hasattr(os, "geteuid") and os.geteuid() == 0


class Disk:
    def __init__(self, path):
        self.path = path
        os.makedirs(path, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", path], check=True, capture_output=True)
        self.mounted = True
        self.filler = os.path.join(path, ".chaos-filler")

    def fail(self, kind):
        chunk = b"\0" * (1 << 20)
        with open(self.filler, "wb") as handle:
            try:
                while True:
                    handle.write(chunk)
                    handle.flush()
            except OSError:
                pass  # full: what the fault is
        # Small writes can still fit in the last partial block; take those too.
        try:
            with open(self.filler, "ab", buffering=0) as handle:
                while True:
                    handle.write(b"\0" * 512)
        except OSError:
            pass

    def restore(self):
        if os.path.exists(self.filler):
            os.remove(self.filler)

    def unmount(self):
        if self.mounted:
            # The record must outlive the mount for the checks: copy it out first.
            subprocess.run(["umount", "-l", self.path], check=False, capture_output=True)
            self.mounted = False
