"""Creates one of each object the id routes act on (plus spares for the deletes) and prints
`export CONTRACT_...=id` lines for run.sh to eval."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Benchmarks"))
from harness import library  # noqa: E402

for name, value in library(sys.argv[1], sys.argv[2]).items():
    if name != "secrets":
        print(f"export CONTRACT_{name}={value}")
