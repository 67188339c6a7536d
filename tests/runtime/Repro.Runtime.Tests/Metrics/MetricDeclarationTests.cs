namespace Repro.Runtime.Tests.Metrics;

public class MetricDeclarationTests
{
    [Theory]
    [InlineData("loss")]
    [InlineData("train/accuracy")]
    [InlineData("lr.group-0_max")]
    public void Valid_names_are_accepted(string name) => Assert.Equal(name, new MetricDeclaration(name).Name);

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    [InlineData("quote\"")]
    [InlineData("new\nline")]
    public void Invalid_names_are_refused_at_declaration(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => new MetricDeclaration(name));

    [Fact]
    public void Overlong_names_are_refused_with_the_limit_in_the_message()
    {
        var error = Assert.Throws<ArgumentException>(() => new MetricDeclaration(new string('a', MetricDeclaration.MaxNameLength + 1)));

        Assert.Contains(MetricDeclaration.MaxNameLength.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}
