using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Per-thread packing buffers, allocated once per thread on first use and reused by every later call, so steady-state
/// GEMM calls allocate nothing. Pinned (pinned object heap) so kernels can hold raw pointers, and 64-byte aligned.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    [ThreadStatic] private static GemmWorkspace? t_current;

    private readonly float[] _a, _b;

    /// <summary>Packed A block (MC×KC), 64-byte aligned.</summary>
    public readonly float* A;

    /// <summary>Packed B panel (KC×NC), 64-byte aligned.</summary>
    public readonly float* B;

    /// <summary>Skinny path: the narrow op(B), repacked (shared read-only by the threads of one call).</summary>
    public PinnedBuffer SkinnyB { get; } = new();

    /// <summary>Skinny path: this thread's transposed C accumulators.</summary>
    public PinnedBuffer SkinnyC { get; } = new();

    private GemmWorkspace()
    {
        _a = GC.AllocateUninitializedArray<float>(GemmBlocking.MaxPackedA + 16, pinned: true);
        _b = GC.AllocateUninitializedArray<float>(GemmBlocking.MaxPackedB + 16, pinned: true);
        A = PinnedBuffer.Align((float*)Unsafe.AsPointer(ref _a[0]));
        B = PinnedBuffer.Align((float*)Unsafe.AsPointer(ref _b[0]));
    }

    /// <summary>This thread's workspace.</summary>
    public static GemmWorkspace ForCurrentThread() => t_current ??= new GemmWorkspace();

    /// <summary>A pinned, 64-byte aligned float buffer that grows (geometrically) and never shrinks.</summary>
    internal sealed class PinnedBuffer
    {
        private float[]? _array;
        private float* _pointer;
        private long _length;

        /// <summary>A buffer of at least <paramref name="length"/> floats (contents undefined).</summary>
        public float* Get(long length)
        {
            if (length > _length)
            {
                long grown = Math.Max(length, Math.Max(16 * 1024, Math.Min(2 * _length, Array.MaxLength - 16)));
                _array = GC.AllocateUninitializedArray<float>(checked((int)grown + 16), pinned: true);
                _pointer = Align((float*)Unsafe.AsPointer(ref _array[0]));
                _length = grown;
            }
            return _pointer;
        }

        internal static float* Align(float* p) => (float*)(((nuint)p + 63) & ~(nuint)63);
    }
}
