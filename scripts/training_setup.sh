# Sourced by the training scripts: sets up .venv, names the data, run and device folders
# (DATA, RUNS, DEVICE; override by environment) and prepares the dataset cache from the archive.
bash scripts/setup.sh
export DEEPMOTION_ARCHIVE=${DEEPMOTION_ARCHIVE:-../shared/data/bandai-namco-research-motion.tar.xz}
DATA=${DATA:-data/cache/bandai-dm-v4}
RUNS=${RUNS:-runs}
DEVICE=${DEVICE:-auto}
mkdir -p "$RUNS"
time .venv/bin/deepmotion data prepare --out "$DATA"
