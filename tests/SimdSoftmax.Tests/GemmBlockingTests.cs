using SimdSoftmax.Tests.Kernels;

namespace SimdSoftmax.Tests;

/// <summary>
/// Block sizes and the packing buffers sized from them: any valid blocking runs within its buffers, an invalid one is
/// refused in Release with an exception, never a heap overrun.
/// </summary>
public class GemmBlockingTests
{
    [Fact]
    public void Invalid_block_sizes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmBlocking(6, 16, 50, 512, 3072));  // MC not a multiple of MR
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmBlocking(8, 48, 128, 512, 1000)); // NC not a multiple of NR
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmBlocking(6, 16, 0, 512, 3072));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmBlocking(6, 16, 96, -1, 3072));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmBlocking(6, 16, 96, 65536, 1 << 16));
    }

    [SkippableFact]
    public unsafe void Blocking_of_another_tile_is_refused_before_any_write()
    {
        Paths.Require(KernelPath.Avx2);
        float[] a = Data.Uniform(64, 1), b = Data.Uniform(64, 2), c = Data.Filled(64, 3f);
        Assert.Throws<ArgumentException>(() =>
        {
            fixed (float* pa = a, pb = b, pc = c)
                GemmBlocked<Microkernel6x16Avx2>.Multiply(false, false, 8, 8, 8, 1f, pa, 8, pb, 8, 0f, pc, 8, new GemmBlocking(8, 48, 128, 512, 3072));
        });
        Assert.All(c, v => Assert.Equal(3f, v));
    }

    /// <summary>
    /// The `gemm-sweep blocking` variant MC 48, KC 1024 (NC 3072): its KC×NC B panel (3 Mi floats) is larger than any
    /// registered tile's, and wrote past the fixed-size packing buffer before the buffers were sized from the blocking.
    /// </summary>
    [SkippableFact]
    public void A_blocking_larger_than_the_registered_ones_runs_within_its_buffers()
    {
        Paths.Require(KernelPath.Avx2);
        var tile = GemmTile.Of<Microkernel6x16Avx2>(mc: 48, kc: 1024, nc: 3072, speed: 1.0);
        Assert.True(tile.Blocking.PackedBFloats > Tuning.GemmAvx2Tiles.Max(t => t.Blocking.PackedBFloats));
        GemmMicrokernelTester.Blocked(tile, false, false, 7, 3100, 1100, 1f, 0f, 1, 42);
        GemmMicrokernelTester.Blocked(tile, true, true, 50, 3072, 1030, -0.5f, 0.25f, 0, 43);
    }

    [Fact]
    public void Every_registered_tile_has_consistent_blocking()
    {
        foreach (GemmTile[] tiles in new[] { Tuning.GemmAvx2Tiles, Tuning.GemmAvx512Tiles })
            foreach (GemmTile t in tiles)
            {
                // One KC per ISA keeps C bitwise independent of the tile choice.
                Assert.Equal(tiles[0].Blocking.KC, t.Blocking.KC);
                Assert.Equal(0, t.Blocking.MC % t.MR);
                Assert.Equal(0, t.Blocking.NC % t.NR);
                Assert.True(t.Speed > 0);
            }
    }
}
