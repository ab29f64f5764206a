package com.parley.im.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.parley.im.protocol.ClientFrames;
import com.parley.im.protocol.Frames;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docs/asyncapi.yaml} (AsyncAPI 3.0) covers every broker destination of {@link Destinations}
 * with the JSON Schema of its event record, and the WebSocket at {@code /ws} with every server
 * frame ({@link Frames}) and client frame ({@link ClientFrames}). The test derives the document
 * from the records and compares it with the checked-in file, so a record that gains, loses or
 * retypes a field without the contract following fails here. {@code -Dasyncapi.write=true} rewrites
 * the file (then review the diff: it is a contract change).
 */
class AsyncApiDocumentTests {

  private static final Path DOCUMENT = Path.of("../docs/asyncapi.yaml");

  /** Destinations whose record is not named after them. */
  private static final Map<String, Class<?>> SPECIAL =
      Map.of(
          Destinations.CLIENT_FRAMES, ClientFrameReceived.class,
          Destinations.GATEWAY_DELIVERIES, DeliveryBatch.class);

  @Test
  void theCheckedInDocumentCoversEveryDestinationAndFrameAsTheRecordsAre() throws IOException {
    Map<String, Object> expected = document();
    Yaml yaml = yaml();
    if (Boolean.getBoolean("asyncapi.write")) {
      Files.writeString(
          DOCUMENT,
          "# Generated from im-events' records by AsyncApiDocumentTests (-Dasyncapi.write=true);\n"
              + "# who publishes and consumes each destination: docs/internal-contracts.md.\n"
              + yaml.dump(expected));
    }
    assertThat(DOCUMENT).as("docs/asyncapi.yaml (write it with -Dasyncapi.write=true)").exists();
    Object checkedIn = yaml.load(Files.readString(DOCUMENT));
    assertThat(checkedIn)
        .as(
            "docs/asyncapi.yaml differs from the records in im-events: rerun this test with"
                + " -Dasyncapi.write=true and review the diff (a contract change)")
        .isEqualTo(expected);
  }

  @Test
  void everyDestinationHasARecord() {
    for (String destination : destinations()) {
      assertThat(recordOf(destination)).as("the record of %s", destination).isNotNull();
    }
  }

  // ----------------------------------------------------------------------------------------------

  private static Map<String, Object> document() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("asyncapi", "3.0.0");
    doc.put(
        "info",
        map(
            "title",
            "Parley events and frames",
            "version",
            "0.1.0",
            "description",
            "Broker destinations between Parley's services (RabbitMQ topic exchanges, one per"
                + " event, routed by the destination's name; gateway-deliveries is a direct"
                + " exchange keyed by gateway instance; message-stored of a message that carries"
                + " a mediaId is routed by "
                + MessageStored.MEDIA_ROUTING_KEY
                + ", so bind # for every stored message) and the frames of the client WebSocket."
                + " The client contract is docs/protocol.md."));
    doc.put(
        "servers",
        map(
            "broker",
            map("host", "localhost:5672", "protocol", "amqp", "protocolVersion", "0.9.1"),
            "gateway",
            map("host", "localhost:8080", "pathname", "/ws", "protocol", "ws")));

    Map<String, Object> channels = new LinkedHashMap<>();
    Map<String, Object> operations = new LinkedHashMap<>();
    Map<String, Object> messages = new TreeMap<>();
    Map<String, Object> schemas = new TreeMap<>();
    for (String destination : destinations()) {
      Class<?> record = recordOf(destination);
      String message = record.getSimpleName();
      messages.put(message, message(record, schemas));
      channels.put(
          destination,
          map(
              "address",
              destination,
              "servers",
              List.of(ref("servers", "broker")),
              "messages",
              map(message, ref("components/messages", message))));
      operations.put(
          "publish" + message,
          map(
              "action",
              "send",
              "channel",
              ref("channels", destination),
              "messages",
              List.of(ref("channels/" + destination + "/messages", message))));
    }
    Map<String, Object> socketMessages = new LinkedHashMap<>();
    List<Object> serverFrames = new ArrayList<>();
    List<Object> clientFrames = new ArrayList<>();
    for (Class<?> frame : sorted(Frames.class.getDeclaredClasses())) {
      String name = "server." + frame.getSimpleName();
      messages.put(name, message(frame, schemas));
      socketMessages.put(name, ref("components/messages", name));
      serverFrames.add(ref("channels/socket/messages", name));
    }
    for (Class<?> frame : sorted(ClientFrames.class.getDeclaredClasses())) {
      String name = "client." + frame.getSimpleName();
      messages.put(name, message(frame, schemas));
      socketMessages.put(name, ref("components/messages", name));
      clientFrames.add(ref("channels/socket/messages", name));
    }
    channels.put(
        "socket",
        map(
            "address",
            "/ws",
            "servers",
            List.of(ref("servers", "gateway")),
            "messages",
            socketMessages));
    operations.put(
        "pushFrames",
        map("action", "send", "channel", ref("channels", "socket"), "messages", serverFrames));
    operations.put(
        "receiveFrames",
        map("action", "receive", "channel", ref("channels", "socket"), "messages", clientFrames));
    doc.put("channels", channels);
    doc.put("operations", operations);
    doc.put("components", map("messages", messages, "schemas", schemas));
    return doc;
  }

  private static Map<String, Object> message(Class<?> record, Map<String, Object> schemas) {
    String schema = schemaName(record);
    schemas.put(schema, schema(record, schemas));
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("name", record.getSimpleName());
    message.put("contentType", "application/json");
    message.put("payload", ref("components/schemas", schema));
    return message;
  }

  private static String schemaName(Class<?> type) {
    Class<?> outer = type.getEnclosingClass();
    return outer == null
        ? type.getSimpleName()
        : outer.getSimpleName() + "." + type.getSimpleName();
  }

  private static Map<String, Object> schema(Class<?> record, Map<String, Object> schemas) {
    Map<String, Object> properties = new LinkedHashMap<>();
    String frameType = frameType(record);
    if (frameType != null) {
      properties.put("type", map("const", frameType));
    }
    for (RecordComponent component : record.getRecordComponents()) {
      properties.put(component.getName(), typeSchema(component.getGenericType(), schemas));
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    return schema;
  }

  /** A frame's {@code type} member: Frames declare it, client frames are named after it. */
  private static String frameType(Class<?> record) {
    if (record.getEnclosingClass() == Frames.class) {
      try {
        Object type = record.getMethod("getType").invoke(instance(record));
        return (String) type;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(record + " has no getType()", e);
      }
    }
    if (record.getEnclosingClass() == ClientFrames.class) {
      return record.getSimpleName().toLowerCase(Locale.ROOT);
    }
    return null;
  }

  /** An instance with default values, to ask for its constant {@code getType()}. */
  private static Object instance(Class<?> record) throws ReflectiveOperationException {
    RecordComponent[] components = record.getRecordComponents();
    Class<?>[] types =
        Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new);
    Object[] values = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      values[i] =
          types[i] == long.class
              ? 0L
              : types[i] == int.class ? 0 : types[i] == boolean.class ? false : null;
    }
    return record.getDeclaredConstructor(types).newInstance(values);
  }

  private static Object typeSchema(Type type, Map<String, Object> schemas) {
    if (type instanceof ParameterizedType parameterized) {
      Class<?> raw = (Class<?>) parameterized.getRawType();
      if (Collection.class.isAssignableFrom(raw)) {
        return map(
            "type",
            "array",
            "items",
            typeSchema(parameterized.getActualTypeArguments()[0], schemas));
      }
      if (Map.class.isAssignableFrom(raw)) {
        return map("type", "object");
      }
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return map("type", "string");
    }
    if (c == Instant.class) {
      return map("type", "string", "format", "date-time");
    }
    if (c == long.class || c == int.class) {
      return map("type", "integer");
    }
    if (c == Long.class || c == Integer.class) {
      return map("type", List.of("integer", "null"));
    }
    if (c == boolean.class || c == Boolean.class) {
      return map("type", "boolean");
    }
    if (c.isRecord()) {
      String name = schemaName(c);
      if (!schemas.containsKey(name)) {
        schemas.put(name, Map.of()); // a placeholder against cycles
        schemas.put(name, schema(c, schemas));
      }
      return ref("components/schemas", name);
    }
    if (c.isEnum()) {
      return map(
          "type",
          "string",
          "enum",
          Arrays.stream(c.getEnumConstants()).map(Object::toString).toList());
    }
    if (c == Object.class || Map.class.isAssignableFrom(c)) {
      return map("type", "object");
    }
    throw new IllegalStateException("No JSON Schema mapping for " + c);
  }

  private static List<String> destinations() {
    List<String> out = new ArrayList<>();
    for (Field field : Destinations.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        try {
          out.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }

  /** user-registered -> UserRegistered, in this package. */
  private static Class<?> recordOf(String destination) {
    if (SPECIAL.containsKey(destination)) {
      return SPECIAL.get(destination);
    }
    StringBuilder name = new StringBuilder();
    for (String part : destination.split("-")) {
      name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    try {
      Class<?> type = Class.forName(Destinations.class.getPackageName() + "." + name);
      return type.isRecord() ? type : null;
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  private static List<Class<?>> sorted(Class<?>[] classes) {
    return Arrays.stream(classes)
        .filter(Class::isRecord)
        .sorted(Comparator.comparing(Class::getSimpleName))
        .toList();
  }

  private static Map<String, Object> ref(String where, String name) {
    return map("$ref", "#/" + where + "/" + name.replace("/", "~1"));
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static Yaml yaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setWidth(100);
    options.setSplitLines(true);
    return new Yaml(options);
  }
}
