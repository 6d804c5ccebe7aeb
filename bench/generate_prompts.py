#!/usr/bin/env python3
# Writes COUNT generated prompts into the prompt repository at ROOT, in 50 team folders, each
# using the shared partial `shared` and having one test case: the repository the listing,
# rendering and test-selection benchmarks share.
#   bench/generate_prompts.py ROOT COUNT
import os
import sys

root, count = sys.argv[1], int(sys.argv[2])
with open(os.path.join(root, "prompts", "shared.yaml"), "w") as f:
    f.write("description: Shared preamble\ntemplate: You are a careful assistant.\n")
for i in range(count):
    folder = os.path.join(root, "prompts", f"team{i % 50:02d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"prompt{i:05d}.yaml"), "w") as f:
        f.write(f"""description: Generated prompt number {i} for the benchmark
tags: [generated, team{i % 50:02d}]
category: bench
model: {{provider: echo, name: echo, temperature: 0}}
variables:
  topic: {{type: string, description: What to write about}}
  words: {{type: integer, default: 100, minimum: 10}}
system: "{{{{> shared}}}}"
template: |
  Write {{{{words}}}} words about {{{{topic}}}}.
  Keep it factual; this is prompt {i}.
tests:
  - name: mentions the topic
    vars: {{topic: tea}}
    assert: [{{type: contains, value: tea}}]
""")
