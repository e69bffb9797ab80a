namespace SimdSoftmax.Tests.Kernels;

/// <summary>
/// A float buffer with NaN canaries on both sides, pinned for the kernels' raw pointers: a read past the body feeds NaN
/// into a result, a write past it changes a canary (<see cref="AssertCanaries"/>).
/// </summary>
internal sealed unsafe class GuardedFloats : IDisposable
{
    private const int Guard = 64;
    private static readonly uint CanaryBits = 0x7FC0BEEF; // a quiet NaN with a payload
    private readonly float[] _array;
    private readonly System.Runtime.InteropServices.GCHandle _handle;

    public GuardedFloats(int length)
    {
        Length = length;
        _array = new float[length + 2 * Guard];
        _array.AsSpan().Fill(BitConverter.UInt32BitsToSingle(CanaryBits));
        _handle = System.Runtime.InteropServices.GCHandle.Alloc(_array, System.Runtime.InteropServices.GCHandleType.Pinned);
    }

    public GuardedFloats(float[] body) : this(body.Length) => body.CopyTo(Span);

    public int Length { get; }
    public Span<float> Span => _array.AsSpan(Guard, Length);
    public float* Pointer => (float*)_handle.AddrOfPinnedObject() + Guard;
    public float this[long i] => _array[Guard + i];

    public void AssertCanaries(string what)
    {
        for (int g = 0; g < Guard; g++)
            if (BitConverter.SingleToUInt32Bits(_array[g]) != CanaryBits || BitConverter.SingleToUInt32Bits(_array[Guard + Length + g]) != CanaryBits)
                Assert.Fail($"{what}: a canary {(BitConverter.SingleToUInt32Bits(_array[g]) != CanaryBits ? "before" : "after")} the buffer was overwritten");
    }

    public void Dispose() => _handle.Free();
}
