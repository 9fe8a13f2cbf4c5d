namespace LatentAudio.Tests.Reliability;

/// <summary>The browser helper itself: a page's script error reaches <see cref="HeadlessChromium.Page.ConsoleErrors"/>
/// (so the pages' "no script errors" assertions can fail) and the DOM is the one after scripts ran.</summary>
public class HeadlessChromiumTests
{
    [ChromiumFact]
    public void AScriptErrorIsReportedAndTheDomIsTheScriptedOne()
    {
        using var dir = new TestPaths.TempDir();
        var html = dir.File("page.html");
        File.WriteAllText(html, "<!DOCTYPE html><html><body><p id=\"p\">before</p>" +
            "<script>document.getElementById('p').textContent = 'after';</script><script>noSuchFunction();</script></body></html>");
        var page = HeadlessChromium.Load(html, dir.File("profile"));
        Assert.Contains("<p id=\"p\">after</p>", page.Dom);
        Assert.Contains(page.ConsoleErrors, e => e.Contains("noSuchFunction"));
    }
}
