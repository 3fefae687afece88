#!/usr/bin/env python3
"""PyTorch eager's side of the GPU comparison: the training step of DeviceTrainingStepBenchmark.

The same models as jdnn's org.jdnn.nn.models.Models (lenet, cnn, resnet18 with the CIFAR stem, one input channel,
10 classes), batch 128, random N(0,1) images and uniform labels fixed before timing, mean cross-entropy, loss.item()
in every step (as the jdnn side), Adam 1e-3. Prints one line per model: name, trainable parameters, ms per step.

    python3 benchmarks/gpu/pytorch_steps.py [--device cuda] [--models lenet,cnn,resnet18] [--warmup 20] [--steps 100]
"""
import argparse
import time

import torch
from torch import nn


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.25),
        nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
        nn.Dropout(0.25),
        nn.Linear(128, 10))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


def resnet18():
    """torchvision's resnet18 layout with jdnn's CIFAR stem: 3x3 stride-1 convolution, no max pooling."""
    layers = [nn.Conv2d(1, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


MODELS = {"lenet": (lenet, 28), "cnn": (cnn, 28), "resnet18": (resnet18, 32)}


def time_steps(name, device, warmup, steps, batch=128):
    build, side = MODELS[name]
    torch.manual_seed(42)
    model = build().to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    images = torch.randn(batch, 1, side, side, device=device)
    labels = torch.randint(0, 10, (batch,), device=device)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(model(images), labels)
        value = loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return value

    for _ in range(warmup):
        step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    millis = (time.perf_counter() - start) * 1e3 / steps
    parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return parameters, millis


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--models", default="lenet,cnn,resnet18")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    for name in args.models.split(","):
        if name not in MODELS:
            parser.error(f"--models: unknown model {name!r}, expected some of {','.join(MODELS)}")
        parameters, millis = time_steps(name, args.device, args.warmup, args.steps)
        print(f"pytorch {name} {parameters} {millis:.3f}", flush=True)


if __name__ == "__main__":
    main()
