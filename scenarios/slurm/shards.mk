# Runs the shards of one scenario in parallel on one machine and merges them
# (docs/cluster.md). Each shard is a separate golive process; the merged
# report is byte-identical to a single `golive run`.
#
#   make -j2 -f scenarios/slurm/shards.mk SCENARIO=scenarios/drbd84-year.json \
#        RUNS=10000 SHARDS=4 OUT=out [GOLIVE=build/golive]
GOLIVE   ?= build/golive
SHARDS   ?= 4
RUNS     ?= 1000
OUT      ?= shards-out
SCENARIO ?= scenarios/drbd84-year.json

PARTS := $(foreach i,$(shell seq 0 $$(($(SHARDS) - 1))),$(OUT)/part-$(i).json)

$(OUT)/report.json: $(PARTS)
	$(GOLIVE) merge $(PARTS) --json $@ --quiet

$(OUT)/part-%.json:
	@mkdir -p $(OUT)
	$(GOLIVE) run $(SCENARIO) --runs $(RUNS) --threads 1 --shard $*/$(SHARDS) --json $@ --quiet
