using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>The 256-bit float vector operations; masked accesses are vmaskmovps (masked-off lanes are never touched).</summary>
internal readonly unsafe partial struct Avx2Isa : IVectorOps<Vector256<float>>
{
    public static int Width => 8;
    public static Vector256<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<float>.Zero; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Create(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreNonTemporal(Vector256<float> v, float* p) => Avx.StoreAlignedNonTemporal(p, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> TailMask(nint count) => SimdSoftmax.TailMask.Of256(count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MaskLoad(float* p, Vector256<float> mask) => Avx.MaskLoad(p, mask);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaskLoad(float* p, Vector256<float> mask, Vector256<float> fill) => Avx.BlendVariable(fill, Avx.MaskLoad(p, mask), mask);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MaskStore(float* p, Vector256<float> mask, Vector256<float> v) => Avx.MaskStore(p, mask, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> AndNot(Vector256<float> a, Vector256<float> b) => Vector256.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Avx.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Exp(Vector256<float> x) => ExpRr2P5.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Log(Vector256<float> x) => LogAtanhSeries.Log(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxAcross(Vector256<float> v) => HorizontalMax.Of(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float ToScalar(Vector256<float> v) => v.ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LabelLanes(int label) => (Vector256.Create(label) - Vector256<int>.Indices).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LanesEqual(Vector256<float> lanes, int j) => Vector256.Equals(lanes.AsInt32(), Vector256.Create(j)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> GreaterThan(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Or(Vector256<float> a, Vector256<float> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> IsNaN(Vector256<float> v) => ~Vector256.Equals(v, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountSet(Vector256<float> mask) => System.Numerics.BitOperations.PopCount(Vector256.ExtractMostSignificantBits(mask));
}
