using Repro.Runs;
using Repro.Telemetry;

namespace Repro.Runtime.Tests.Telemetry;

public class GpuInventoryTests
{
    // The shapes nvidia-smi prints for the inventory query and in its banner (driver 550 on an H100 host).
    private const string Inventory = "0, NVIDIA H100 80GB HBM3, 550.54.15, 81559\n1, NVIDIA H100 80GB HBM3, 550.54.15, 81559\n";

    private const string Banner = """
        +-----------------------------------------------------------------------------------------+
        | NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |
        |-----------------------------------------+------------------------+----------------------+
        """;

    [Fact]
    public void Each_gpu_gets_model_driver_memory_and_the_drivers_cuda_version() =>
        Assert.Equal(
            [new GpuInfo(0, "NVIDIA H100 80GB HBM3", "550.54.15", "12.4", 81559), new GpuInfo(1, "NVIDIA H100 80GB HBM3", "550.54.15", "12.4", 81559)],
            NvidiaSmi.ParseInventory(Inventory, Banner));

    [Theory]
    [InlineData("", "")]
    [InlineData("0, NVIDIA A100, 535.1, [N/A]\n", "")]
    [InlineData("garbage\n", "no banner")]
    public void Lines_it_cannot_read_are_skipped(string inventory, string banner) => Assert.Empty(NvidiaSmi.ParseInventory(inventory, banner));

    [Fact]
    public void Without_a_banner_the_cuda_version_is_unknown() =>
        Assert.Null(Assert.Single(NvidiaSmi.ParseInventory("0, Tesla T4, 470.1, 15360\n", string.Empty)).CudaVersion);
}
