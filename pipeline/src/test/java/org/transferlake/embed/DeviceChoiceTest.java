package org.transferlake.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.DeviceMode;

@Tag("unit")
class DeviceChoiceTest {
    @Test
    void autoUsesTheAssignedGpuElseTheCpu() {
        assertThat(DeviceChoice.choose(DeviceMode.AUTO, List.of("1"))).isEqualTo(Device.gpu(1));
        assertThat(DeviceChoice.choose(DeviceMode.AUTO, List.of())).isEqualTo(Device.cpu());
    }

    @Test
    void cpuIgnoresAssignedGpus() {
        assertThat(DeviceChoice.choose(DeviceMode.CPU, List.of("0"))).isEqualTo(Device.cpu());
    }

    @Test
    void gpuTakesTheFirstAssignedAddress() {
        assertThat(DeviceChoice.choose(DeviceMode.GPU, List.of("3", "4"))).isEqualTo(Device.gpu(3));
    }

    @Test
    void gpuWithoutAnAssignedGpuFailsNamingTheSettings() {
        assertThatThrownBy(() -> DeviceChoice.choose(DeviceMode.GPU, List.of()))
                .hasMessage(
                        "Cannot embed on GPU: embed.device is gpu but Spark assigned no GPU to this task. Set "
                                + "spark.executor.resource.gpu.amount=1, spark.task.resource.gpu.amount=<1/tasks per GPU> and "
                                + "spark.executor.resource.gpu.discoveryScript (see deploy/gpu/), or set embed.device to auto or cpu.");
    }

    @Test
    void aNonNumericAddressIsRefused() {
        assertThatThrownBy(() -> DeviceChoice.choose(DeviceMode.AUTO, List.of("GPU-8f2a")))
                .hasMessage("Cannot embed on GPU: Spark assigned GPU address 'GPU-8f2a', which is not a device index. "
                        + "Make the discovery script report CUDA device indices (0, 1, ...).");
    }
}
