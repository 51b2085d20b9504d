"""executors.limit_memory: a worker's address-space cap never sits below what it already maps. A forked worker
of a large parent was over the 4 GB default from the start, could map nothing new, and hung at its first page
thread (the full test suite, late in the session). Run in a child interpreter, so the cap stays there."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_cap_leaves_headroom_above_the_inherited_address_space():
    code = textwrap.dedent("""
        import mmap, resource, threading
        from pipeline.executors import MIN_HEADROOM_MB, _mapped_bytes, limit_memory
        big = mmap.mmap(-1, 700 << 20)          # 700 MB mapped, never touched: address space, no memory
        before = _mapped_bytes()
        limit_memory(512)                       # a cap below what is already mapped
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        assert soft >= before + (MIN_HEADROOM_MB << 20), (soft, before)
        t = threading.Thread(target=lambda: bytearray(64 << 20))  # a thread and an allocation still fit
        t.start(); t.join(5)
        assert not t.is_alive()
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_a_small_process_gets_the_configured_cap():
    code = textwrap.dedent("""
        import resource
        from pipeline.executors import limit_memory
        limit_memory(8192)
        print(resource.getrlimit(resource.RLIMIT_AS)[0] >> 20)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and int(out.stdout) == 8192, out.stderr
