# Morpho's front door: a thin wrapper over meson + ninja.
#   make          build build/morpho and its command links
#   make run      set up everything and boot the default guest
#   make check    set up everything and run every test (normal + ASan/UBSan)
BUILD      ?= build
BUILD_SAN  ?= build-san

.PHONY: all setup build build-san check run clean

all: build

setup:
	@scripts/setup-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

$(BUILD_SAN)/build.ninja:
	meson setup $(BUILD_SAN) -Db_sanitize=address,undefined -Db_lundef=false

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-san: setup $(BUILD_SAN)/build.ninja
	ninja -C $(BUILD_SAN)

check: build build-san
	@scripts/check.sh

run: build
	@scripts/run-default-guest.sh

clean:
	rm -rf $(BUILD) $(BUILD_SAN)
