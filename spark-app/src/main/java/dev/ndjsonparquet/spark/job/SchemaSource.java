package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.conversion.SchemaText;
import dev.ndjsonparquet.conversion.SchemaMismatch;
import dev.ndjsonparquet.spark.parse.JsonRowConverter;
import dev.ndjsonparquet.spark.read.Decompression;
import dev.ndjsonparquet.spark.read.HadoopPaths;
import dev.ndjsonparquet.spark.read.NdjsonLineReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Finds the schema of a manifest: the explicit one from the settings, else the manifest's schema file,
 * else one inferred by Spark from the first lines of each file (strictly valid object lines only; the one
 * Spark job of a manifest besides its conversion).
 */
final class SchemaSource {

    /**
     * The schema and where it came from; avgLineBytes is measured on the sample (0 when none was read). {@code declared}
     * is the explicit or manifest schema (null when inferred), {@code observed} the schema inferred from the sample
     * (null when not inferred).
     */
    record Found(StructType schema, String source, double avgLineBytes, StructType declared, StructType observed) {

        Found withSchema(StructType s) {
            return new Found(s, source, avgLineBytes, declared, observed);
        }
    }

    private SchemaSource() {
    }

    /**
     * @param measureLineSize whether the caller needs the average line size (the Spark writer sizes its files
     *                        with it); without it and with a given schema no input file is read here
     */
    static Found resolve(SparkSession spark, Configuration conf, String setting, String manifestSchema,
                         List<String> sampleFiles, int sampleLines, int maxLineBytes, boolean measureLineSize)
            throws IOException {
        return resolve(spark, conf, setting, manifestSchema, sampleFiles, sampleLines, maxLineBytes, measureLineSize,
                false);
    }

    /** @param observe whether to infer the sample's schema even when one is given (schema evolution looks for new fields) */
    static Found resolve(SparkSession spark, Configuration conf, String setting, String manifestSchema,
                         List<String> sampleFiles, int sampleLines, int maxLineBytes, boolean measureLineSize,
                         boolean observe) throws IOException {
        boolean infer = (setting == null && manifestSchema == null) || observe;
        // With a given schema the sample only measures the line size: one file is enough, none when unused.
        List<String> toSample = infer ? sampleFiles : measureLineSize ? sampleFiles.stream().limit(1).toList() : List.of();
        Sample sample = sample(conf, toSample, sampleLines, maxLineBytes, SAMPLE_TOTAL_BYTES);
        StructType schema;
        String source;
        StructType observed = infer ? (sample.lines.isEmpty() ? new StructType() : infer(spark, sample)) : null;
        if (setting != null) {
            schema = parse(SchemaText.kind(setting) == SchemaText.Kind.LOCATION ? read(conf, setting) : setting);
            source = "explicit";
        } else if (manifestSchema != null) {
            schema = parse(read(conf, manifestSchema));
            source = "manifest:" + manifestSchema;
        } else {
            schema = observed;
            source = "inferred from " + sample.lines.size() + " lines";
        }
        List<String> problems = new ArrayList<>(JsonRowConverter.unsupported(schema));
        for (String reserved : List.of(JsonRowConverter.RESCUED_COLUMN, PartitionMode.EVENT_DATE_COLUMN)) {
            if (List.of(schema.fieldNames()).contains(reserved)) {
                problems.add(reserved + ": reserved column name");
            }
            if (observed != null && observed != schema && List.of(observed.fieldNames()).contains(reserved)) {
                // A field of that name in the input is not a new column: it stays in _rescued_data.
                observed = dropField(observed, reserved);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("schema (" + source + ") cannot be used: " + String.join("; ", problems));
        }
        boolean given = setting != null || manifestSchema != null;
        return new Found(schema, source, sample.lines.isEmpty() ? 0 : (double) sample.bytes / sample.lines.size(),
                given ? schema : null, observed);
    }

    private static StructType dropField(StructType s, String name) {
        return new StructType(java.util.Arrays.stream(s.fields()).filter(f -> !f.name().equals(name))
                .toArray(org.apache.spark.sql.types.StructField[]::new));
    }

    static StructType parse(String text) {
        String t = text.trim();
        if (t.startsWith("{")) {
            DataType type = DataType.fromJson(t);
            if (!(type instanceof StructType s)) {
                throw new IllegalArgumentException("the JSON schema is not a struct");
            }
            return s;
        }
        return StructType.fromDDL(t);
    }

    private static String read(Configuration conf, String location) throws IOException {
        Path p = HadoopPaths.of(location);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    record Sample(List<String> lines, long bytes) {
    }

    /** At most this much of one file in the sample. */
    static final long SAMPLE_FILE_BYTES = 4L << 20;
    /**
     * At most about this much sample in all (it is held in the driver as strings and shipped to the inference tasks):
     * each file's share is this divided by the files, between {@link #SAMPLE_MIN_FILE_BYTES} and
     * {@link #SAMPLE_FILE_BYTES}, so every file is sampled and a manifest of many files cannot fill the driver's heap.
     */
    static final long SAMPLE_TOTAL_BYTES = 64L << 20;
    /** Every file's share of the sample is at least this (a few lines), however many files there are. */
    static final long SAMPLE_MIN_FILE_BYTES = 16L << 10;

    /** At most this much of the sample in one inference task (Spark warns above 1000 KiB per task). */
    static final long SAMPLE_BYTES_PER_TASK = 512 * 1024;

    /**
     * Spark's inference over the sample, cut into tasks of at most {@link #SAMPLE_BYTES_PER_TASK}: the
     * sample travels inside the tasks (a local collection), and as one task it was the 1.5 MB task Spark
     * warned about on a 2 MB file.
     */
    private static StructType infer(SparkSession spark, Sample sample) {
        int slices = (int) Math.max(1, Math.min(sample.lines.size(),
                (sample.bytes + SAMPLE_BYTES_PER_TASK - 1) / SAMPLE_BYTES_PER_TASK));
        JavaRDD<String> lines = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(sample.lines, slices);
        return (StructType) spark.read().json(spark.createDataset(lines.rdd(), Encoders.STRING())).schema();
    }

    /**
     * The first lines of each readable file that are one valid JSON object, at most {@code perFile} lines and the
     * file's share of {@code totalBytes}; unreadable files are skipped.
     */
    static Sample sample(Configuration conf, List<String> files, int perFile, int maxLineBytes, long totalBytes) {
        List<String> lines = new ArrayList<>();
        long bytes = 0;
        JsonRowConverter validator = new JsonRowConverter(new StructType(), SchemaMismatch.RESCUE, 0);
        long perFileBytes = files.isEmpty() ? 0
                : Math.min(SAMPLE_FILE_BYTES, Math.max(SAMPLE_MIN_FILE_BYTES, totalBytes / files.size()));
        for (String f : files) {
            Path p = HadoopPaths.of(f);
            try {
                FileSystem fs = p.getFileSystem(conf);
                try (InputStream in = Decompression.isCompressed(f) ? Decompression.open(f, fs.open(p)) : fs.open(p)) {
                    NdjsonLineReader r = new NdjsonLineReader(in, 0, Long.MAX_VALUE, maxLineBytes);
                    int taken = 0;
                    long fileBytes = 0;
                    while (taken < perFile && fileBytes < perFileBytes && r.next()) {
                        if (r.lineTooLong() || NdjsonLineReader.isBlank(r.lineBuffer(), r.lineOffset(), r.lineLength())) {
                            continue;
                        }
                        fileBytes += r.lineLength();
                        if (validObject(validator, r)) {
                            lines.add(new String(r.lineBuffer(), r.lineOffset(), r.lineLength(), StandardCharsets.UTF_8));
                            bytes += r.lineLength();
                            taken++;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Unreadable files are quarantined by the conversion itself, with the reason.
            }
        }
        return new Sample(lines, bytes);
    }

    /** Whether the line is one valid JSON object; a line the validator throws on is left out, not its whole file. */
    private static boolean validObject(JsonRowConverter validator, NdjsonLineReader r) {
        try {
            return validator.convert(r.lineBuffer(), r.lineOffset(), r.lineLength()) != null;
        } catch (RuntimeException | StackOverflowError e) {
            return false;
        }
    }
}
