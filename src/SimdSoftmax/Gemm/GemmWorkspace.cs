using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Per-thread packing buffers, allocated once per thread on first use and reused by every later call, so steady-state
/// GEMM calls allocate nothing. Pinned (pinned object heap) so kernels can hold raw pointers, and 64-byte aligned.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    [ThreadStatic] private static GemmWorkspace? t_current;

    private readonly float[] _a, _b, _skinny;

    /// <summary>Packed A block (MC×KC), 64-byte aligned.</summary>
    public readonly float* A;

    /// <summary>Packed B panel (KC×NC), 64-byte aligned.</summary>
    public readonly float* B;

    /// <summary>Skinny-path buffer (a transposed copy of a narrow B, or a C tile), 64-byte aligned.</summary>
    public readonly float* Skinny;

    /// <summary>Capacity of <see cref="Skinny"/> in floats.</summary>
    public int SkinnyLength { get; }

    private GemmWorkspace(int skinnyLength)
    {
        _a = GC.AllocateUninitializedArray<float>(GemmBlocking.MaxPackedA + 16, pinned: true);
        _b = GC.AllocateUninitializedArray<float>(GemmBlocking.MaxPackedB + 16, pinned: true);
        _skinny = GC.AllocateUninitializedArray<float>(skinnyLength + 16, pinned: true);
        A = Align((float*)Unsafe.AsPointer(ref _a[0]));
        B = Align((float*)Unsafe.AsPointer(ref _b[0]));
        Skinny = Align((float*)Unsafe.AsPointer(ref _skinny[0]));
        SkinnyLength = skinnyLength;
    }

    private static float* Align(float* p) => (float*)(((nuint)p + 63) & ~(nuint)63);

    /// <summary>This thread's workspace, with a skinny buffer of at least <paramref name="skinnyLength"/> floats.</summary>
    public static GemmWorkspace ForCurrentThread(int skinnyLength = 0)
    {
        GemmWorkspace? w = t_current;
        if (w is null || w.SkinnyLength < skinnyLength)
        {
            // Grow geometrically so a sequence of slightly larger calls does not reallocate each time.
            int length = Math.Max(skinnyLength, Math.Max(64 * 1024, w is null ? 0 : (int)Math.Min(int.MaxValue - 64, 2L * w.SkinnyLength)));
            t_current = w = new GemmWorkspace(length);
        }
        return w;
    }
}
