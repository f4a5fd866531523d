# ForgetLab: the README's two commands (make run, make test) plus make bench.
# Every target installs what is missing first (packaging/install-deps.sh, idempotent).

BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: all deps configure build run test bench clean

all: build

deps:
	@bash packaging/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/app/forgetlab

test: build
	cd $(BUILD) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 900

bench: build
	bash bench/run_bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)
