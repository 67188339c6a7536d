using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

/// <summary>
/// REPRO2004 (index_put_) and REPRO2005 (t[indices] = v) are nondeterministic only when an index can name one
/// element twice. Indices that cannot — integers, slices, TensorIndex.Single, Boolean masks, a tensor of one
/// number — and one number written everywhere must stay silent; index tensors of unknown origin stay reported.
/// </summary>
public class IndexedWriteTests
{
    [Theory]
    // Positions that cannot repeat.
    [InlineData("x.index_put_(src, TensorIndex.Single(3));")]
    [InlineData("x.index_put_(src, new[] { TensorIndex.Single(0), TensorIndex.Slice(1, 4) });")]
    [InlineData("x.index_put_(src, 0, 2);")]
    [InlineData("x.index_put_(src, new[] { torch.tensor(5L) });")]
    [InlineData("x.index_put_(src, new[] { torch.tensor(5L) }, accumulate: true);")]
    // Boolean masks: a comparison, a mask method, a combination, a mask kept in a local.
    [InlineData("x.index_put_(src, new[] { x > 0.5 });")]
    [InlineData("x.index_put_(src, new[] { x.isnan() });")]
    [InlineData("x.index_put_(src, new[] { (x > 0) & (x < 1) });")]
    [InlineData("var invalid = x.isnan().logical_or(x.isinf()); x.index_put_(src, new[] { invalid });")]
    [InlineData("var mask = x.lt(0); x[mask] = src;")]
    [InlineData("x[x > 0.5] = src;")]
    [InlineData("x[TensorIndex.Tensor(x.isnan())] = src;")]
    // One number written to every selected position: repeats write the same value.
    [InlineData("x.index_put_(0.0, new[] { index });")]
    [InlineData("x.index_put_(torch.tensor(0f), new[] { index });")]
    [InlineData("x[index] = torch.tensor(1.0f);")]
    public Task Writes_whose_positions_cannot_repeat_or_whose_value_is_one_number_are_not_reported(string statement) =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();

    [Theory]
    [InlineData("x.{|REPRO2004:index_put_(src, new[] { index })|};")]
    [InlineData("x.{|REPRO2004:index_put_(src, new[] { TensorIndex.Single(0), TensorIndex.Tensor(index) })|};")]
    [InlineData("var rows = torch.randint(0, 10, new long[] { 32 }); x.{|REPRO2004:index_put_(src, new[] { rows }, accumulate: true)|};")]
    [InlineData("var mask = x > 0; mask = index; x.{|REPRO2004:index_put_(src, new[] { mask })|};")]
    [InlineData("{|REPRO2005:x[index]|} = src;")]
    [InlineData("var mask = x.gt(0); mask = index; {|REPRO2005:x[mask]|} = src;")]
    [InlineData("{|REPRO2005:x[TensorIndex.Single(0), TensorIndex.Tensor(index)]|} = src;")]
    [InlineData("{|REPRO2005:x[index]|} += src;")]
    public Task Writes_through_index_tensors_that_can_repeat_stay_reported(string statement) =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();
}
