#!/usr/bin/env bash
# The whole workbench on an offline Linux machine with an NVIDIA GPU, CUDA's compiler, CMake and PyTorch, but no
# Node.js and no network (issue #14, point 2). Everything comes from the folder `node scripts/gpu-check-pack.mjs`
# writes (.gpu-check/, at most 64 MiB with the repository). It:
#   1. unpacks Node.js, node-llama-cpp (without prebuilt binaries), the bundled app and llama.cpp's source;
#   2. builds node-llama-cpp's CUDA backend from that source for the local GPU only (CMAKE_CUDA_ARCHITECTURES=native),
#      and llama-batched-bench from the same build tree, while at the same time
#   3. writing a random-weight llama of a realistic shape with SmolLM2's tokenizer and training a short SFT job, then
#      DPO from its adapter, through the workbench's runner adapter on CUDA;
#   4. runs the agents and tree benches with CUDA offload against llama-batched-bench at the same number of sequences;
#   5. loads the trained adapter into the role agents on the GPU;
#   6. prints one summary table (also written to OUT/summary.md and OUT/summary.json, with OUT/logs.tar.gz).
# Every step has a time limit; a step that fails or times out is reported and only the steps that need it are skipped.
#
#   bash scripts/gpu-check.sh [--pack DIR] [--work DIR] [--out DIR] [--shape 1.7b|8b|tiny] [--jobs N]
#   bash scripts/gpu-check.sh --cpu [--prebuilt DIR]     # dry run on a CPU: tiny shapes, CPU build, training on CPU
#
#   --pack DIR      the packed folder (default: this script's folder when it holds MANIFEST.json, else ../.gpu-check)
#   --work DIR      scratch space, emptied first (default: /tmp/malt-gpu-check); needs ~10 GB for the 1.7b shape
#   --out DIR       where the summary and logs go (default: $OUT when set, else WORK/out)
#   --shape S       the random model: 1.7b (SmolLM2-1.7B's shape, default), 8b (Llama-3.1-8B's, 7.2B with SmolLM2's
#                   vocabulary; slower to write and train), tiny (--cpu's default)
#   --jobs N        parallel compile jobs (default: all cores)
#   --prebuilt DIR  skip the build: DIR/Release holds llama-addon.node and its libraries (DIR/bin/llama-batched-bench
#                   is used when present), e.g. a WORK/build kept from an earlier run
#   --python PATH   the Python with PyTorch (default: $GPU_CHECK_PYTHON, else python3)
#   --deadline S    end within S seconds: each step's limit is cut to the time left, later steps are skipped, and the
#                   table is always printed (default: 570 with a GPU, so a 600-second remote command still returns it;
#                   0 = none, the --cpu default)
# Budget on one H100/H200: under 8 minutes, of which the CUDA build is about 4.5 (only the addon, llama-batched-bench
# and what they link are compiled, for this GPU's architecture only).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
helpers=$here/gpu-check
if [[ -f $here/MANIFEST.json ]]; then pack=$here; else pack=$here/../.gpu-check; fi
work=/tmp/malt-gpu-check
out=${OUT:-}
mode=gpu
shape=
jobs=$(nproc 2>/dev/null || echo 4)
prebuilt=
python=${GPU_CHECK_PYTHON:-python3}
deadline=

while [[ $# -gt 0 ]]; do
  case $1 in
    --cpu) mode=cpu; shift ;;
    --pack) pack=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --shape) shape=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --prebuilt) prebuilt=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --deadline) deadline=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

pack=$(cd "$pack" 2>/dev/null && pwd) || { echo "gpu-check: no pack folder; run 'node scripts/gpu-check-pack.mjs' first and bring .gpu-check along" >&2; exit 2; }
[[ -f $pack/MANIFEST.json ]] || { echo "gpu-check: $pack has no MANIFEST.json; repack with 'node scripts/gpu-check-pack.mjs'" >&2; exit 2; }
command -v "$python" >/dev/null || { echo "gpu-check: no Python at '$python'; give --python PATH" >&2; exit 2; }
[[ -z $prebuilt ]] || prebuilt=$(cd "$prebuilt" && pwd) || exit 2

# Scratch space: only ever delete a folder this script made.
if [[ -e $work && ! -f $work/.malt-gpu-check ]]; then
  echo "gpu-check: $work exists and is not a gpu-check folder; give another --work" >&2; exit 2
fi
rm -rf "$work" && mkdir -p "$work" && touch "$work/.malt-gpu-check"
work=$(cd "$work" && pwd)
out=${out:-$work/out}
mkdir -p "$out"
results=$work/results
logs=$work/logs
mkdir -p "$results" "$logs"

if [[ $mode == gpu ]]; then
  deadline=${deadline:-570}
  shape=${shape:-1.7b}
  gpu_flag=cuda; threads=4; build_limit=420; scale=1
  train_args=(--steps 16 --dpo-steps 12 --batch 8 --max-length 512 --device cuda)
  agents_args=(--tokens 64 --sequences 1,3,9,27 --threads "$threads" --reps 2)
  tree_args=(--questions 2 --branching 3 --max-tokens 64 --sequences 9 --context 1024 --threads "$threads")
else
  # The dry run checks that every step works, not how fast: a tiny model, few tokens, one thread (CI and this
  # project's machines have 2 cores shared with others), and time limits scaled for that.
  deadline=${deadline:-0}
  shape=${shape:-tiny}
  gpu_flag=false; threads=1; build_limit=3600; scale=4
  train_args=(--steps 2 --dpo-steps 2 --batch 2 --max-length 384 --device cpu)
  agents_args=(--tokens 8 --sequences 1,2 --threads "$threads" --reps 1)
  tree_args=(--questions 1 --branching 2 --max-tokens 8 --sequences 2 --context 1024 --threads "$threads")
fi

started_at=$(date +%s)
node_bin=$work/node/bin
# The app runs from inside WORK, so node-llama-cpp and better-sqlite3 resolve to the unpacked WORK/node_modules and
# never to a node_modules above the pack (a checkout's own, whose llama/localBuilds must not be written to).
app=$work/app/gpu-check-app.mjs
nlc=$work/node_modules/node-llama-cpp
model=$work/models/random-$shape.gguf
batched_bench=$work/build/bin/llama-batched-bench
export PATH=$node_bin:$PATH
export PYTHONPATH=$work/site${PYTHONPATH:+:$PYTHONPATH}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONUNBUFFERED=1
export NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
# The workbench's runner adapter starts <venv>/bin/python: here that is this Python, with the carried wheels.
mkdir -p "$work/pyvenv/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$(command -v "$python")" >"$work/pyvenv/bin/python"
chmod +x "$work/pyvenv/bin/python"
export MALT_PYTHON_VENV=$work/pyvenv

say() { echo "[gpu-check $(( $(date +%s) - started_at ))s] $*" >&2; }

# The table so far, rewritten after every step, so a run cut short still leaves one in OUT.
write_table() {
  local budget=()
  [[ $mode == gpu ]] && budget=(--target-seconds 480)
  "$python" "$helpers/summary.py" table --results "$results" --total-seconds "$(( $(date +%s) - started_at ))" "${budget[@]}" --out "$out" >/dev/null
}

# run_step NAME LIMIT_SECONDS COMMAND...: runs COMMAND under `timeout`, its output in logs/NAME.log, and records
# ok/failed/timeout with its seconds and result line (summary.py record). Returns the command's exit code. The limit
# is cut to what is left before the deadline; with less than 20 s left the step is skipped.
run_step() {
  local name=$1 limit=$(( $2 * ${scale:-1} )); shift 2
  local log=$logs/$name.log begin end status rc
  if (( deadline > 0 )); then
    local left=$(( deadline - ($(date +%s) - started_at) ))
    if (( left < 20 )); then skip_step "$name" "out of time: the ${deadline} s deadline was reached"; return 124; fi
    (( limit > left )) && limit=$left
  fi
  say "$name: started (limit ${limit}s)"
  begin=$(date +%s.%N)
  timeout --kill-after=15 "$limit" "$@" >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  case $rc in 0) status=ok ;; 124|137) status=timeout ;; *) status=failed ;; esac
  "$python" "$helpers/summary.py" record --results "$results" --step "$name" --status "$status" \
    --seconds "$(awk "BEGIN{print $end-$begin}")" --limit "$limit" --log "$log"
  say "$name: $status ($(awk "BEGIN{printf \"%.0f\", $end-$begin}") s)"
  write_table
  return $rc
}
skip_step() {
  "$python" "$helpers/summary.py" record --results "$results" --step "$1" --status skipped --note "$2"
  say "$1: skipped ($2)"
  write_table
}
step_ok() { [[ -f $results/$1.json ]] && grep -q '"status": "ok"' "$results/$1.json"; }
result_of() { "$python" "$helpers/summary.py" get --results "$results" --step "$1" --key "$2"; }

# Also keeps the live output of NvidiaSmiMonitor's own query, for its test fixtures (test/main/adapters/gpu/fixtures).
gpu_info() {
  nvidia-smi --query-gpu=index,name,memory.total,memory.used,utilization.gpu,temperature.gpu --format=csv,noheader,nounits >"$out/nvidia-smi-query.csv"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits | head -n 1 |
    "$python" -c 'import json,sys; n,m,d=[x.strip() for x in sys.stdin.read().split(",")]; print("RESULT "+json.dumps({"name":n,"memory_mib":float(m),"driver":d}))'
}

unpack_all() {
  set -e
  "$python" "$helpers/unpack.py" node --pack "$pack" --dest "$work/node" | tee "$work/node.result"
  "$python" "$helpers/unpack.py" tar --archive "$pack/node_modules.tar.xz" --dest "$work/node_modules"
  "$python" "$helpers/unpack.py" tar --archive "$pack/llama.cpp.tar.xz" --dest "$nlc/llama/llama.cpp"
  mkdir -p "$work/app" && cp "$pack/app/gpu-check-app.mjs" "$work/app/"
  tail -n 1 "$work/node.result"
}

# The configure line node-llama-cpp's `source build --gpu cuda` runs through cmake-js (compileLLamaCpp.js), written
# out: cmake-js would need npm and would download Node's headers, and neither is there. CMAKE_JS_INC points at the
# carried N-API headers; NLC_VARIANT names the libraries as node-llama-cpp's own builds do. LLAMA_BUILD_TOOLS adds
# llama-batched-bench to the same tree, so ggml's CUDA kernels are compiled once for both.
build_llama() {
  set -eo pipefail
  local variant=v0.5.0 cuda=()
  variant=$(node -p "require('$nlc/llama/binariesGithubRelease.json').release")
  if [[ $mode == gpu ]]; then
    variant=cuda.$variant
    cuda=(-DGGML_CUDA=1 -DCMAKE_CUDA_ARCHITECTURES=native)
  fi
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S "$nlc/llama" -B "$work/build" "${generator[@]}" --no-warn-unused-cli \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CONFIGURATION_TYPES=Release -DCMAKE_JS_VERSION=8.0.0 \
    -DCMAKE_JS_INC="$work/node/include/node" -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$work/build/Release" \
    -DNODE_RUNTIME=node -DNODE_RUNTIMEVERSION="$(node -p 'process.versions.node')" -DNODE_ARCH=x64 \
    -DNLC_CURRENT_PLATFORM=linux-x64 -DNLC_TARGET_PLATFORM=linux-x64 -DNLC_VARIANT="$variant" \
    -DGGML_BUILD_NUMBER=1 -DGGML_METAL=OFF -DGGML_CCACHE=OFF -DGGML_NATIVE=ON \
    -DLLAMA_CURL=OFF -DLLAMA_HTTPLIB=OFF -DLLAMA_BUILD_BORINGSSL=OFF -DLLAMA_OPENSSL=OFF \
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=OFF "${cuda[@]}" | tee "$work/build-configure.log"
  cmake --build "$work/build" --target llama-addon llama-batched-bench -j "$jobs"
  # As node-llama-cpp's moveBuildFilesToResultDir: the libraries beside the addon (its rpath is $ORIGIN).
  cp -a "$work/build/bin/." "$work/build/Release/"
  rm -f "$work/build/Release/llama-batched-bench"
  # ggml's own line, e.g. "Using CMAKE_CUDA_ARCHITECTURES=native CMAKE_CUDA_ARCHITECTURES_NATIVE=90a-real".
  local arch
  arch=$(sed -n 's/.*Using \(CMAKE_CUDA_ARCHITECTURES=.*\)/\1/p' "$work/build-configure.log" | head -n 1)
  echo "RESULT {\"targets\": \"llama-addon + llama-batched-bench\", \"cuda_architectures\": \"${arch:-none (CPU)}\"}"
}

make_model() {
  "$python" "$helpers/random_llama.py" model --tokenizer "$pack/models/smollm2-tokenizer.gguf" --shape "$shape" --out "$model"
}

export -f unpack_all build_llama make_model gpu_info
export work out pack helpers python nlc mode jobs shape model results started_at deadline

# ---- 0. the GPU, as the driver sees it ----
if command -v nvidia-smi >/dev/null; then run_step gpu 30 bash -c gpu_info; else skip_step gpu "no nvidia-smi on this machine"; fi

# ---- 1. unpack, and the Python packages the runner needs ----
run_step unpack 120 bash -c unpack_all
run_step python-env 180 "$python" "$helpers/unpack.py" wheels --wheels "$pack/python/wheels" --target "$work/site"

# ---- 2. the build (CPU cores) and the model + training (GPU) at the same time ----
(
  if ! step_ok unpack; then skip_step build "unpack failed"
  elif [[ -n $prebuilt ]]; then
    mkdir -p "$work/build" && cp -a "$prebuilt/Release" "$work/build/Release"
    [[ -x $prebuilt/bin/llama-batched-bench ]] && mkdir -p "$work/build/bin" && cp -a "$prebuilt/bin/." "$work/build/bin/"
    skip_step build "--prebuilt $prebuilt: using that build"
  else scale=1 run_step build "$build_limit" bash -c build_llama
  fi
) &
build_lane=$!
(
  if ! step_ok python-env; then skip_step model "the Python packages did not install"; skip_step train "no model"; exit 0; fi
  run_step model 300 bash -c make_model || { skip_step train "no model"; exit 0; }
  if ! step_ok unpack; then skip_step train "unpack failed"; exit 0; fi
  run_step train 420 node "$app" train --model "$model" --data "$pack/data/gsm8k/train.jsonl" --work "$work/train" \
    --python-dir "$pack/python" "${train_args[@]}"
) &
train_lane=$!
wait "$build_lane"
# The benches must not share the GPU with training.
wait "$train_lane"

# ---- 3. the engine on the build, the benches against llama-batched-bench, the adapter in the agents ----
bench_reference=()
[[ -x $batched_bench ]] && bench_reference=(--batched-bench "$batched_bench")
if [[ -f $work/build/Release/llama-addon.node ]]; then
  run_step install-build 120 node "$app" install-build --gpu "$gpu_flag" --from "$work/build/Release" --threads "$threads" \
    --node-modules "$work/node_modules"
else
  skip_step install-build "no build to install"
fi
if step_ok install-build && step_ok model; then
  [[ ${#bench_reference[@]} -eq 0 ]] && say "no llama-batched-bench: the benches run without their llama.cpp reference"
  run_step agents 240 node "$app" agents --model "$model" --gpu "$gpu_flag" "${agents_args[@]}" "${bench_reference[@]}"
  run_step tree 300 node "$app" tree --model "$model" --gpu "$gpu_flag" --data "$pack/data/gsm8k/train.jsonl" \
    "${tree_args[@]}" "${bench_reference[@]}"
else
  skip_step agents "needs the installed build and the model"
  skip_step tree "needs the installed build and the model"
fi
adapter=$(result_of train adapter)
if step_ok install-build && [[ -n $adapter ]]; then
  run_step adapter 180 node "$app" adapter --model "$model" --adapter "$adapter" --gpu "$gpu_flag" --threads "$threads"
else
  skip_step adapter "needs the installed build and a trained adapter"
fi

# ---- 4. one table ----
total=$(( $(date +%s) - started_at ))
tar -czf "$out/logs.tar.gz" -C "$work" logs results 2>/dev/null
echo
budget=()
[[ $mode == gpu ]] && budget=(--target-seconds 480)
"$python" "$helpers/summary.py" table --results "$results" --total-seconds "$total" "${budget[@]}" --out "$out"
