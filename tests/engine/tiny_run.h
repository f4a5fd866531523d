#pragma once
// The smallest image experiment that still pre-trains, fine-tunes and writes pre-trained
// and final checkpoints (an MLP with one 16-unit layer, classes 0-4 then 5-9, a few hundred
// examples): the shared starting point of the engine tests that need a stored run.

#include "engine/core/config.h"
#include "tests/engine/test_device.h"

namespace forgetlab::test {

inline ExperimentConfig tinyImageRun() {
    ExperimentConfig c;
    c.name = "tiny";
    c.seed = 3;
    c.device = testDevice();
    c.model.hidden = {16};
    c.upstream.task.train_size = 500;
    c.upstream.task.test_size = 200;
    c.upstream.steps = 40;
    c.downstream.task.classes = {5, 6, 7, 8, 9};
    c.downstream.task.train_size = 500;
    c.downstream.task.test_size = 200;
    c.downstream.steps = 30;
    c.eval.every = 10;
    c.eval.hessian_every = 0;
    c.eval.probe_size = 64;
    return c;
}

}  // namespace forgetlab::test
