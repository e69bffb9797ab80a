namespace SimdSoftmax;

/// <summary>
/// Float vector operations of one ISA on its vector type <typeparamref name="V"/> (.NET does not expose ISimdVector, so
/// this plays its part, TensorPrimitives-style): the kernels that differ between AVX2 and AVX-512 only in width and
/// mask API are written once against it, and the JIT specializes them per ISA struct. Every member maps to the
/// instruction the per-ISA kernels used, in the same operand order, so generic kernels are bitwise the same.
/// </summary>
internal unsafe interface IVectorOps<V> where V : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Width { get; }
    static abstract V Zero { get; }
    static abstract V Create(float value);
    static abstract V Load(float* p);
    static abstract void Store(V v, float* p);
    /// <summary>Non-temporal store; <paramref name="p"/> must be aligned to the vector size.</summary>
    static abstract void StoreNonTemporal(V v, float* p);
    /// <summary>All ones in lanes k &lt; count (see <see cref="SimdSoftmax.TailMask"/>).</summary>
    static abstract V TailMask(nint count);
    /// <summary>Lanes of the mask loaded from p, zero elsewhere; nothing outside the mask is read.</summary>
    static abstract V MaskLoad(float* p, V mask);
    /// <summary>Lanes of the mask loaded from p, <paramref name="fill"/> elsewhere.</summary>
    static abstract V MaskLoad(float* p, V mask, V fill);
    /// <summary>Stores the lanes of the mask; nothing outside it is written.</summary>
    static abstract void MaskStore(float* p, V mask, V v);
    static abstract V Add(V a, V b);
    static abstract V Subtract(V a, V b);
    static abstract V Multiply(V a, V b);
    static abstract V Divide(V a, V b);
    static abstract V And(V a, V b);
    /// <summary>a &amp; ~b.</summary>
    static abstract V AndNot(V a, V b);
    /// <summary><c>maxps</c>: b where either lane is NaN.</summary>
    static abstract V Max(V a, V b);
    /// <summary>exp by <see cref="ExpRr2P5"/>.</summary>
    static abstract V Exp(V x);
    /// <summary>log by <see cref="LogAtanhSeries"/>.</summary>
    static abstract V Log(V x);
    /// <summary>Sum of the lanes (the runtime's Vector.Sum order).</summary>
    static abstract float Sum(V v);
    /// <summary>Largest lane (<see cref="SimdSoftmax.HorizontalMax"/>).</summary>
    static abstract float MaxAcross(V v);
    static abstract float ToScalar(V v);
    /// <summary>Integer lanes <c>label − k</c> (as float bits): <see cref="LanesEqual"/> with j finds the lane of column label in the block at j.</summary>
    static abstract V LabelLanes(int label);
    /// <summary>All ones in the lanes whose integer value equals <paramref name="j"/>.</summary>
    static abstract V LanesEqual(V lanes, int j);
    /// <summary>All ones where a &gt; b (ordered: false when either lane is NaN).</summary>
    static abstract V GreaterThan(V a, V b);
    static abstract V Or(V a, V b);
    /// <summary>All ones in the NaN lanes.</summary>
    static abstract V IsNaN(V v);
    /// <summary>How many lanes of a comparison mask are set (popcount of the sign bits).</summary>
    static abstract int CountSet(V mask);
}
