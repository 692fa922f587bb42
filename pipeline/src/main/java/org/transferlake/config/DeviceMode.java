package org.transferlake.config;

/** Where embeddings are computed. */
public enum DeviceMode {
    /** The GPU Spark assigned to the task, else the CPU. */
    AUTO,
    /** Always the CPU, even on GPU executors. */
    CPU,
    /** The GPU Spark assigned to the task; a task without one fails fast. */
    GPU
}
