"""Reliability diagram: per confidence bin, the share of values that were right (PNG via matplotlib)."""
from __future__ import annotations

from pathlib import Path


def plot(sets: dict[str, dict], path: Path, kind: str = "all") -> Path:
    """`sets`: name -> the `calibration` part of an evaluation (per kind: bins, ece, values)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5.5), dpi=110)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfectly calibrated")
    for name, cal in sets.items():
        c = cal.get(kind)
        if not c:
            continue
        pts = [(b["mean_p"], b["accuracy"], b["n"]) for b in c["bins"] if b["n"]]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o",
                label=f"{name}: ECE {c['ece']:.3f}, {c['values']} values")
        for x, y, n in pts:
            ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(3, -10), fontsize=6)
    ax.set_xlabel("confidence (calibrated probability the value is right)")
    ax.set_ylabel("share of values that are right")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Reliability, {kind} values (numbers: values in the bin)")
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
