package org.transferlake.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static PipelineConfig load(Map<String, String> overrides) {
        return ConfigLoader.load(null, overrides, Map.of());
    }

    @Test
    void defaultsAreTheShippedConfFile() {
        PipelineConfig config = ConfigLoader.defaults();
        assertThat(config.lake().endpoint()).isEqualTo("embedded");
        assertThat(config.lake().root()).isEqualTo(URI.create("s3a://lake/transferlake/"));
        assertThat(config.lake().bucket()).isEqualTo("lake");
        assertThat(config.lake().credentials()).isEmpty();
        assertThat(config.spark().master()).isEqualTo("local[2]");
        assertThat(config.demo().trainPerClass()).isEqualTo(100);
        assertThat(config.demo().testPerClass()).isEqualTo(20);
        assertThat(config.demo().seed()).isEqualTo(42L);
    }

    @Test
    void confValuesMayBeQuotedAsInHocon() {
        PipelineConfig config = ConfigLoader.load(
                null,
                Map.of(
                        "extract.roots", "[\"s3a://lake/a/\", s3a://lake/b/]",
                        "lake.root", "\"s3a://lake/quoted/\""),
                Map.of());
        assertThat(config.extract().roots()).containsExactly(URI.create("s3a://lake/a/"), URI.create("s3a://lake/b/"));
        assertThat(config.lake().root()).isEqualTo(URI.create("s3a://lake/quoted/"));
    }

    @Test
    void precedenceIsDefaultsThenFileThenConfThenEnvironment() throws IOException {
        Path file = dir.resolve("my.conf");
        Files.writeString(file, """
        demo { seed = 7, train-per-class = 30 }
        lake.region = eu-west-1
        lake.secret-key = from-file-secret
        lake.access-key = from-file-access
        """);
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("demo.seed", "9");
        overrides.put("lake.secret-key", "from-conf-secret");
        Map<String, String> environment = Map.of("TRANSFERLAKE_LAKE_SECRET_KEY", "from-env-secret", "UNRELATED", "x");

        PipelineConfig config = ConfigLoader.load(file, overrides, environment);

        assertThat(config.demo().seed()).as("--conf beats the file").isEqualTo(9L);
        assertThat(config.demo().trainPerClass())
                .as("the file beats the defaults")
                .isEqualTo(30);
        assertThat(config.demo().testPerClass()).as("defaults fill the rest").isEqualTo(20);
        assertThat(config.lake().region()).isEqualTo("eu-west-1");
        assertThat(config.lake().credentials()).contains(new Credentials("from-file-access", "from-env-secret"));
    }

    @Test
    void aUsersSavedModelIsDescribedByKeys() {
        PipelineConfig config = load(Map.of(
                "backbone.name",
                "vgg16",
                "backbone.uri",
                "s3a://models/vgg16/",
                "backbone.input-size",
                "[299, 299]",
                "backbone.preprocessing",
                "caffe",
                "backbone.pooling",
                "avg",
                "backbone.output-name",
                "block5_pool",
                "backbone.cache-dir",
                "/var/cache/models"));
        assertThat(config.backbone())
                .isEqualTo(new BackboneSpec(
                        "vgg16",
                        "s3a://models/vgg16/",
                        299,
                        299,
                        Preprocessing.CAFFE,
                        "serving_default",
                        "",
                        "block5_pool",
                        Pooling.AVG));
        assertThat(config.backbone().isBundled()).isFalse();
        assertThat(config.modelCacheDir()).isEqualTo(Path.of("/var/cache/models"));
        assertThat(ConfigLoader.defaults().backbone().isBundled()).isTrue();
    }

    @Test
    void rootGetsATrailingSlashAndResolvesBelowIt() {
        PipelineConfig config = load(Map.of("lake.root", "s3a://my-bucket/some/prefix"));
        assertThat(config.lake().root()).isEqualTo(URI.create("s3a://my-bucket/some/prefix/"));
        assertThat(config.lake().resolve("images/")).isEqualTo(URI.create("s3a://my-bucket/some/prefix/images/"));
    }

    @Test
    void nonEmbeddedEndpointsAcceptOtherSchemes() {
        PipelineConfig config = load(Map.of("lake.endpoint", "aws", "lake.root", "hdfs://namenode:8020/lake"));
        assertThat(config.lake().isEmbedded()).isFalse();
        assertThat(config.lake().root().getScheme()).isEqualTo("hdfs");
    }

    @Test
    void aListWhereAStringIsExpectedIsRefused() {
        assertThatThrownBy(() -> load(Map.of("spark.master", "[a, b]")))
                .hasMessage("Cannot load config: spark.master must be a string, got [a, b]. "
                        + "Set it in your --config file or with --conf spark.master=local[2] (the default).");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
      lake.endpoint          | ftp://x        | lake.endpoint must be 'embedded', 'aws' or an http(s):// URL, got 'ftp://x'. Set it in your --config file or with --conf lake.endpoint=embedded (the default).
      lake.root              | ftp://bucket/x | lake.root must be a URI with one of the schemes [abfs, abfss, file, gs, hdfs, s3a], got 'ftp://bucket/x'. Set it in your --config file or with --conf lake.root=s3a://lake/transferlake/ (the default).
      lake.root              | s3a://Bad_Bucket/x | lake.root must be s3a://<bucket>/<prefix>/ with a valid bucket name (3-63 lower-case letters, digits, '.', '-'), got 's3a://Bad_Bucket/x'. Set it in your --config file or with --conf lake.root=s3a://lake/transferlake/ (the default).
      lake.root              | file:///tmp/lake | lake.root file:///tmp/lake is not an s3a:// URI but lake.endpoint is embedded. Use an s3a://bucket/prefix/ root with the embedded lake, or set lake.endpoint to aws or your S3 URL.
      lake.root              | 's3a://lake/a b' | lake.root must be a URI such as s3a://bucket/prefix/, got 's3a://lake/a b'. Set it in your --config file or with --conf lake.root=s3a://lake/transferlake/ (the default).
      lake.embedded.port     | 70000          | lake.embedded.port must be between 0 and 65535, got 70000. Set it in your --config file or with --conf lake.embedded.port=0 (the default).
      lake.embedded.port     | eighty         | lake.embedded.port must be an integer between 0 and 65535, got 'eighty'. Set it in your --config file or with --conf lake.embedded.port=0 (the default).
      lake.path-style-access | maybe          | lake.path-style-access must be true or false, got 'maybe'. Set it in your --config file or with --conf lake.path-style-access=true (the default).
      lake.region            | ''             | lake.region must be non-empty, got ''. Set it in your --config file or with --conf lake.region=us-east-1 (the default).
      lake.embedded.data-dir | ' '            | lake.embedded.data-dir must be non-empty, got ''. Set it in your --config file or with --conf lake.embedded.data-dir=./lake-data (the default).
      spark.master           | ''             | spark.master must be non-empty, got ''. Set it in your --config file or with --conf spark.master=local[2] (the default).
      spark.app-name         | ''             | spark.app-name must be non-empty, got ''. Set it in your --config file or with --conf spark.app-name=transferlake (the default).
      demo.train-per-class   | 0              | demo.train-per-class must be between 1 and 6000, got 0. Set it in your --config file or with --conf demo.train-per-class=100 (the default).
      demo.test-per-class    | 1001           | demo.test-per-class must be between 1 and 1000, got 1001. Set it in your --config file or with --conf demo.test-per-class=20 (the default).
      demo.seed              | abc            | demo.seed must be an integer, got 'abc'. Set it in your --config file or with --conf demo.seed=42 (the default).
      demo.dataset-dir       | ''             | demo.dataset-dir must be non-empty, got ''. Set it in your --config file or with --conf demo.dataset-dir=/usr/share/datasets/fashion-mnist (the default).
      backbone.name          | 'my model'     | backbone.name must be letters, digits, '_', '.' or '-', got 'my model'. Set it in your --config file or with --conf backbone.name=mobilenet_v2 (the default).
      backbone.input-size    | [224]          | backbone.input-size must be a list of 2 integers between 16 and 4096, got [224]. Set it in your --config file or with --conf backbone.input-size=[224, 224] (the default).
      backbone.input-size    | [8, 8]         | backbone.input-size must be a list of 2 integers between 16 and 4096, got [8, 8]. Set it in your --config file or with --conf backbone.input-size=[224, 224] (the default).
      backbone.input-size    | 224            | backbone.input-size must be a list of 2 integers between 16 and 4096, got '224'. Set it in your --config file or with --conf backbone.input-size=[224, 224] (the default).
      backbone.preprocessing | imagenet       | backbone.preprocessing must be one of unit, tf, caffe, torch, got 'imagenet'. Set it in your --config file or with --conf backbone.preprocessing=unit (the default).
      backbone.pooling       | sum            | backbone.pooling must be one of none, avg, max, got 'sum'. Set it in your --config file or with --conf backbone.pooling=none (the default).
      backbone.uri           | ''             | backbone.uri must be non-empty, got ''. Set it in your --config file or with --conf backbone.uri=bundled:mobilenet_v2 (the default).
      backbone.signature     | ''             | backbone.signature must be non-empty, got ''. Set it in your --config file or with --conf backbone.signature=serving_default (the default).
      backbone.layers        | '[a, a]'       | backbone.layers must be distinct, non-blank layer names, got [a, a]. Set it in your --config file or with --conf backbone.layers=[] (the default).
      heads.mlp.iterations   | '[50, 25]'     | heads.mlp.iterations must be a non-empty, strictly increasing list, got [50, 25]. Set it in your --config file or with --conf heads.mlp.iterations=[25, 50, 100, 200] (the default).
      heads.mlp.hidden-units | '[]'           | heads.mlp.hidden-units must be a non-empty list of distinct layer widths, got []. Set it in your --config file or with --conf heads.mlp.hidden-units=[64, 256] (the default).
      lake.rooot             | s3a://x/y      | unknown key lake.rooot. Did you mean lake.root? Every key is listed in conf/default.conf.
      demo.sede              | 1              | unknown key demo.sede. Did you mean demo.seed? Every key is listed in conf/default.conf.
      a..b                   | 1              | 'a..b' is not a valid key. Write keys as dotted names, e.g. --conf lake.root=s3a://bucket/prefix/.
      lake.access-key        | AKIAONLYONE    | lake.secret-key is empty but its partner is set. Set both TRANSFERLAKE_LAKE_ACCESS_KEY and TRANSFERLAKE_LAKE_SECRET_KEY, or neither to use the AWS default provider chain.
      lake.secret-key        | onlythesecret  | lake.access-key is empty but its partner is set. Set both TRANSFERLAKE_LAKE_ACCESS_KEY and TRANSFERLAKE_LAKE_SECRET_KEY, or neither to use the AWS default provider chain.
      """)
    void everyValidationNamesTheKeyAndTheFix(String key, String value, String expected) {
        assertThatThrownBy(() -> load(Map.of(key, value)))
                .isInstanceOf(TransferlakeException.class)
                .hasMessage("Cannot load config: " + expected);
    }

    @Test
    void cutLayersAreRefusedForASavedModelThatIsAlreadyCut() {
        assertThatThrownBy(
                        () -> load(Map.of("backbone.uri", "file:///models/vgg16", "backbone.layers", "[block5_pool]")))
                .hasMessage("Cannot load config: backbone.layers must be empty unless backbone.uri is bundled:<name>"
                        + " (a SavedModel is already cut: cut it with backbone import --layers), got [block5_pool]."
                        + " Set it in your --config file or with --conf backbone.layers=[] (the default).");
    }

    @Test
    void aLakeRootWithAQuoteIsRefusedBeforeItCouldReachSqlText() {
        assertThatThrownBy(() -> load(Map.of("lake.root", "s3a://lake/it's/")))
                .hasMessage("Cannot load config: lake.root must be a URI without quotes or backslashes, got"
                        + " 's3a://lake/it's/'. Set it in your --config file or with --conf"
                        + " lake.root=s3a://lake/transferlake/ (the default).");
    }

    @Test
    void aBundledBackboneMustExistAndTakeItsOwnInputSize() {
        assertThatThrownBy(() -> load(Map.of("backbone.uri", "bundled:resnet50")))
                .hasMessage("Cannot load config: backbone.uri must be one of bundled:mobilenet_v2, bundled:inception_v3"
                        + " or a SavedModel URI, got 'bundled:resnet50'. Set it in your --config file or with --conf"
                        + " backbone.uri=bundled:mobilenet_v2 (the default).");
        assertThatThrownBy(() -> load(Map.of("backbone.uri", "bundled:inception_v3")))
                .hasMessage("Cannot load config: backbone.input-size must be [299, 299] for bundled:inception_v3, the"
                        + " size its graph takes, got [224, 224]. Set it in your --config file or with --conf"
                        + " backbone.input-size=[224, 224] (the default).");
        assertThatThrownBy(
                        () -> load(Map.of("backbone.uri", "bundled:inception_v3", "backbone.input-size", "[299, 299]")))
                .hasMessage("Cannot load config: backbone.pooling must be avg or max for bundled:inception_v3, whose"
                        + " default cut [mixed5] is a feature map, got 'none'. Set it in your --config file or with"
                        + " --conf backbone.pooling=none (the default).");
        assertThat(load(Map.of(
                                "backbone.uri", "bundled:inception_v3",
                                "backbone.input-size", "[299, 299]",
                                "backbone.pooling", "avg"))
                        .backbone()
                        .inputHeight())
                .isEqualTo(299);
    }

    @Test
    void missingConfigFileIsNamed() {
        Path missing = dir.resolve("nope.conf");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), Map.of()))
                .hasMessage("Cannot load config: file " + missing
                        + " does not exist. Pass an existing HOCON file to --config.");
    }

    @Test
    void brokenConfigFileIsNamedWithTheParserReason() throws IOException {
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "lake { root = \n");
        assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of(), Map.of()))
                .hasMessageStartingWith("Cannot load config: " + broken + " is not valid HOCON (")
                .hasMessageEndingWith("). Fix the syntax of that file.");
    }

    @Test
    void unknownKeyInAFileIsRefusedToo() throws IOException {
        Path file = dir.resolve("typo.conf");
        Files.writeString(file, "demo { train-per-klass = 5 }\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessage("Cannot load config: unknown key demo.train-per-klass. Did you mean demo.train-per-class? "
                        + "Every key is listed in conf/default.conf.");
    }

    @Test
    void secretsAreMaskedInTheEffectiveConfig() {
        PipelineConfig config = ConfigLoader.load(
                null,
                Map.of("lake.access-key", "AKIAEXAMPLEACCESS"),
                Map.of("TRANSFERLAKE_LAKE_SECRET_KEY", "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"));

        String rendered = config.render();

        assertThat(rendered)
                .contains(
                        "lake.access-key = AKIA****\n",
                        "lake.secret-key = wJal****\n",
                        "lake.root = s3a://lake/transferlake/\n");
        assertThat(rendered).doesNotContain("AKIAEXAMPLEACCESS", "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY");
        assertThat(config.toString()).doesNotContain("AKIAEXAMPLEACCESS", "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY");
        assertThat(config.effective()).containsEntry("lake.secret-key", "wJal****");
    }

    @Test
    void shortSecretsAreMaskedWhole() {
        assertThat(Credentials.mask("short")).isEqualTo("****");
        assertThat(Credentials.mask("")).isEmpty();
        assertThat(new Credentials("AKIAEXAMPLEACCESS", "s3cr3t-value").toString())
                .isEqualTo("Credentials[accessKey=AKIA****, secretKey=****]");
    }
}
