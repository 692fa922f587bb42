package org.transferlake.embed;

import ai.djl.Device;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.transferlake.config.DeviceMode;
import org.transferlake.config.Errors;

/** Picks the device for a task from the GPU addresses Spark assigned to it (resource name {@code gpu}). */
public final class DeviceChoice {
    /** The Spark settings a GPU run needs, named in every GPU error. */
    public static final String GPU_SETTINGS =
            "spark.executor.resource.gpu.amount=1, spark.task.resource.gpu.amount=<1/tasks per GPU> "
                    + "and spark.executor.resource.gpu.discoveryScript (see deploy/gpu/)";

    private DeviceChoice() {}

    /** The device for the calling Spark task: {@link #choose} over the GPUs Spark assigned to it. */
    public static Device forCurrentTask(DeviceMode mode) {
        return choose(mode, assignedGpus());
    }

    private static List<String> assignedGpus() {
        TaskContext task = TaskContext.get();
        if (task == null || !task.resources().contains("gpu")) {
            return List.of();
        }
        ResourceInformation gpu = task.resources().apply("gpu");
        return List.of(gpu.addresses());
    }

    /**
     * @param assignedGpus the task's {@code gpu} resource addresses; empty when none were assigned
     */
    static Device choose(DeviceMode mode, List<String> assignedGpus) {
        if (mode == DeviceMode.CPU || (mode == DeviceMode.AUTO && assignedGpus.isEmpty())) {
            return Device.cpu();
        }
        if (assignedGpus.isEmpty()) {
            throw Errors.noGpuAssigned(GPU_SETTINGS);
        }
        String address = assignedGpus.get(0);
        try {
            return Device.gpu(Integer.parseInt(address));
        } catch (NumberFormatException e) {
            throw Errors.gpuAddressNotAnIndex(address);
        }
    }
}
