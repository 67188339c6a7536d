namespace Repro.Analyzers.Internals;

/// <summary>
/// Every Repro analyzer diagnostic ID, in one table. Ranges: REPRO1xxx randomness, seeding and data order,
/// REPRO2xxx nondeterministic TorchSharp operations, REPRO3xxx source generators, REPRO4xxx build (MSBuild tasks).
/// </summary>
internal static class RuleIds
{
    public const string UnseededRandom = "REPRO1001";
    public const string SharedRandom = "REPRO1002";
    public const string CryptographicRandom = "REPRO1003";
    public const string ClockSeed = "REPRO1004";
    public const string GuidOrdering = "REPRO1005";
    public const string StringHashCode = "REPRO1006";
    public const string TimeBasedTorchSeed = "REPRO1007";
    public const string MissingTorchSeed = "REPRO1008";
    public const string CpuOnlyTorchSeed = "REPRO1009";
    public const string UnseededDataLoaderShuffle = "REPRO1010";
    public const string DataLoaderWorkerRace = "REPRO1011";
    public const string UnseedableVisionTransform = "REPRO1012";
    public const string UnorderedDirectoryListing = "REPRO1013";
    public const string UnorderedParallelQuery = "REPRO1014";
    public const string ParallelFloatReduction = "REPRO1015";
    public const string HashOrderEnumeration = "REPRO1016";
    public const string CublasEnvironmentAtRunTime = "REPRO1017";

    public const string IndexAdd = "REPRO2001";
    public const string ScatterAdd = "REPRO2002";
    public const string Scatter = "REPRO2003";
    public const string IndexPut = "REPRO2004";
    public const string TensorIndexedAssignment = "REPRO2005";
    public const string IndexCopy = "REPRO2006";
    public const string IndexingBackward = "REPRO2007";
    public const string CudnnConvolution = "REPRO2008";
    public const string PaddingBackward = "REPRO2009";
    public const string PoolingBackward = "REPRO2010";
    public const string MaxUnpool = "REPRO2011";
    public const string InterpolationBackward = "REPRO2012";
    public const string GridSampleBackward = "REPRO2013";
    public const string NllLoss = "REPRO2014";
    public const string CtcLossBackward = "REPRO2015";
    public const string EmbeddingBagMax = "REPRO2016";
    public const string Histc = "REPRO2017";
    public const string WeightedBincount = "REPRO2018";
    public const string KthValue = "REPRO2019";
    public const string CumulativeSum = "REPRO2020";
    public const string FusedAttentionBackward = "REPRO2021";
    public const string CublasWorkspace = "REPRO2022";
}
