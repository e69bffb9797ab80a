using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>The 512-bit float vector operations; masked accesses use k-masks (masked-off lanes are never touched).</summary>
internal readonly unsafe partial struct Avx512Isa : IVectorOps<Vector512<float>>
{
    public static int Width => 16;
    public static Vector512<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector512<float>.Zero; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Create(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreNonTemporal(Vector512<float> v, float* p) => Avx512F.StoreAlignedNonTemporal(p, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> TailMask(nint count) => SimdSoftmax.TailMask.Of512(count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MaskLoad(float* p, Vector512<float> mask) => Avx512F.MaskLoad(p, mask, Vector512<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaskLoad(float* p, Vector512<float> mask, Vector512<float> fill) => Avx512F.MaskLoad(p, mask, fill);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MaskStore(float* p, Vector512<float> mask, Vector512<float> v) => Avx512F.MaskStore(p, mask, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> AndNot(Vector512<float> a, Vector512<float> b) => Vector512.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Avx512F.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Exp(Vector512<float> x) => ExpRr2P5.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Log(Vector512<float> x) => LogAtanhSeries.Log(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> v) => Vector512.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxAcross(Vector512<float> v) => HorizontalMax.Of(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float ToScalar(Vector512<float> v) => v.ToScalar();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LabelLanes(int label) => (Vector512.Create(label) - Vector512<int>.Indices).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LanesEqual(Vector512<float> lanes, int j) => Vector512.Equals(lanes.AsInt32(), Vector512.Create(j)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> GreaterThan(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Or(Vector512<float> a, Vector512<float> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> IsNaN(Vector512<float> v) => ~Vector512.Equals(v, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountSet(Vector512<float> mask) => System.Numerics.BitOperations.PopCount(Vector512.ExtractMostSignificantBits(mask));
}
