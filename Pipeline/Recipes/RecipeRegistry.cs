namespace Pipeline.Recipes;

/// <summary>Every recipe the command line knows, by name (DomainBed's registry, in small).</summary>
public static class RecipeRegistry
{
    public static IReadOnlyList<IRecipe> All { get; } =
    [
        MnistMlpRecipe.Create(),
        .. Gan.GanRecipes.All(),
        new IrmColoredMnistRecipe(),
        IrmLinearSemRecipe.Create(),
        Urnn.UrnnRecipes.CopyMemory(),
        Urnn.UrnnRecipes.Adding(),
        Urnn.UrnnRecipes.PixelMnist(),
        Srnn.SrnnRecipes.Oscillators(),
        Srnn.SrnnPhysicsRecipes.Chain(),
        Srnn.SrnnPhysicsRecipes.ThreeBody(),
        Srnn.SrnnPhysicsRecipes.Billiard(),
        Srnn.HnnRecipe.Create(),
        .. Gan.AliRecipes.All(),
        SaddleFree.SaddleRecipe.Create(),
        SaddleFree.AutoencoderRecipe.Create(),
        Ngu.NguRecipes.DeepSea(),
        Ngu.NguRecipes.Disco(),
    ];

    public static IRecipe? Find(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
