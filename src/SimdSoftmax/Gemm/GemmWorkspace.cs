using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Per-thread packing buffers, allocated once per thread on first use and reused by every later call, so steady-state
/// GEMM calls allocate nothing. Pinned (pinned object heap) so kernels can hold raw pointers, and 64-byte aligned.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    [ThreadStatic] private static GemmWorkspace? t_current;

    private readonly PinnedBuffer _packedA = new(), _packedB = new();

    /// <summary>Packed A block of at least <paramref name="floats"/> (<see cref="GemmBlocking.PackedAFloats"/>).</summary>
    public float* PackedA(long floats) => _packedA.Get(floats);

    /// <summary>Packed B panel of at least <paramref name="floats"/> (<see cref="GemmBlocking.PackedBFloats"/>).</summary>
    public float* PackedB(long floats) => _packedB.Get(floats);

    /// <summary>Skinny path: the narrow op(B), repacked (shared read-only by the threads of one call).</summary>
    public PinnedBuffer SkinnyB { get; } = new();

    /// <summary>Skinny path: this thread's transposed C accumulators.</summary>
    public PinnedBuffer SkinnyC { get; } = new();

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
                // Geometric growth (from 16 Ki floats) so a run of slightly larger calls reallocates only a few times.
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
