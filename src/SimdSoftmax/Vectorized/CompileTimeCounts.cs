namespace SimdSoftmax;

/// <summary>
/// A count known to the JIT (the short-row kernels are specialized per row length 1…16, so columns past the row
/// are dead code and never occupy a register).
/// </summary>
internal interface ICompileTimeCount { static abstract int Value { get; } }
/// <summary>1.</summary>
internal struct Count1 : ICompileTimeCount { public static int Value => 1; }
/// <summary>2.</summary>
internal struct Count2 : ICompileTimeCount { public static int Value => 2; }
/// <summary>3.</summary>
internal struct Count3 : ICompileTimeCount { public static int Value => 3; }
/// <summary>4.</summary>
internal struct Count4 : ICompileTimeCount { public static int Value => 4; }
/// <summary>5.</summary>
internal struct Count5 : ICompileTimeCount { public static int Value => 5; }
/// <summary>6.</summary>
internal struct Count6 : ICompileTimeCount { public static int Value => 6; }
/// <summary>7.</summary>
internal struct Count7 : ICompileTimeCount { public static int Value => 7; }
/// <summary>8.</summary>
internal struct Count8 : ICompileTimeCount { public static int Value => 8; }
/// <summary>9.</summary>
internal struct Count9 : ICompileTimeCount { public static int Value => 9; }
/// <summary>10.</summary>
internal struct Count10 : ICompileTimeCount { public static int Value => 10; }
/// <summary>11.</summary>
internal struct Count11 : ICompileTimeCount { public static int Value => 11; }
/// <summary>12.</summary>
internal struct Count12 : ICompileTimeCount { public static int Value => 12; }
/// <summary>13.</summary>
internal struct Count13 : ICompileTimeCount { public static int Value => 13; }
/// <summary>14.</summary>
internal struct Count14 : ICompileTimeCount { public static int Value => 14; }
/// <summary>15.</summary>
internal struct Count15 : ICompileTimeCount { public static int Value => 15; }
/// <summary>16.</summary>
internal struct Count16 : ICompileTimeCount { public static int Value => 16; }
