package org.transferlake.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The keys are declared once in Java; their defaults and docs once in conf/default.conf: the two must agree. */
@Tag("unit")
class ConfigKeysTest {
    private static final Config DEFAULTS = Settings.builtIn().config();

    @Test
    void everyDeclaredKeyIsInTheDefaultsFileAndNothingElseIs() {
        List<String> declared =
                ConfigKeys.ALL.stream().map(ConfigKey::name).sorted().toList();
        List<String> inFile =
                DEFAULTS.entrySet().stream().map(Map.Entry::getKey).sorted().toList();

        assertThat(declared).hasSize(45).doesNotHaveDuplicates().isEqualTo(inFile);
    }

    @Test
    void everyKeyIsDocumentedInTheDefaultsFile() {
        assertThat(ConfigKeys.ALL)
                .allSatisfy(
                        key -> assertThat(DEFAULTS.getValue(key.name()).origin().comments())
                                .as("the comment above %s in conf/default.conf", key)
                                .isNotEmpty());
    }

    @Test
    void everyDefaultReadsAsItsDeclaredType() {
        // Read and checked like a user's value: a default the key's own checks refuse fails here.
        ConfigKeys.ALL.forEach(ConfigKey::defaultValue);
        assertThat(ConfigKeys.EMBED_BATCH_SIZE.defaultValue()).isEqualTo(8);
        assertThat(ConfigKeys.EMBED_DEVICE.defaultValue()).isEqualTo(DeviceMode.AUTO);
        assertThat(ConfigKeys.BACKBONE_INPUT_SIZE.defaultValue()).containsExactly(224, 224);
        assertThat(ConfigKeys.HEADS_ALGORITHMS.defaultValue()).containsExactly("logistic_regression", "mlp");
        assertThat(ConfigKeys.LAKE_ACCESS_KEY.defaultValue()).isEmpty();
    }

    @Test
    void aKeyReadsAsItsNameInMessages() {
        assertThat("Set " + ConfigKeys.EMBED_BATCH_SIZE + " lower").isEqualTo("Set embed.batch-size lower");
    }
}
