package com.parley.im.testsupport.pact;

import au.com.dius.pact.core.model.V4Interaction;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.cloud.function.context.FunctionRegistration;
import org.springframework.cloud.function.context.catalog.SimpleFunctionRegistry.FunctionInvocationWrapper;
import org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * A service's real consumer function behind the input path Spring Cloud Stream's binder uses: the
 * function is made by the production {@code @Bean} method (with the collaborators a test gives,
 * mocks as a rule), registered with that method's generic type, and called through Spring Cloud
 * Function's {@link FunctionCatalog} in a context with Spring Boot's Jackson and Spring Cloud
 * Function's auto-configuration, so the bytes are converted by the same message converter and
 * {@code JsonMapper} as in the running service. No broker, no database: a consumer-side contract
 * test (ADR 0011) checks that a message of the contract becomes the event the consumer acts on.
 */
public final class BinderInput {

  /** The header the Rabbit binder's batch mode puts the batched messages' headers in. */
  static final String BATCHED_HEADERS = "amqp_batchedHeaders";

  private final String name;
  private final Object function;
  private final Type type;

  private BinderInput(String name, Object function, Type type) {
    this.name = name;
    this.function = function;
    this.type = type;
  }

  /**
   * The function of the {@code @Bean} method {@code beanMethod} of {@code configuration} (which
   * needs a no-argument constructor), made with {@code collaborators} as its arguments.
   */
  public static BinderInput of(Class<?> configuration, String beanMethod, Object... collaborators) {
    Method method =
        Arrays.stream(configuration.getDeclaredMethods())
            .filter(m -> m.getName().equals(beanMethod))
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException(configuration + " has no " + beanMethod));
    try {
      Constructor<?> constructor = configuration.getDeclaredConstructor();
      constructor.setAccessible(true);
      method.setAccessible(true);
      Object function = method.invoke(constructor.newInstance(), collaborators);
      return new BinderInput(beanMethod, function, method.getGenericReturnType());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot make " + beanMethod, e);
    }
  }

  /** Hands the pact's message to the function, as one message off the queue. */
  public void accept(V4Interaction.AsynchronousMessage message) {
    invoke(PactMessages.toMessage(message));
  }

  /**
   * Hands the pact's messages to the function as one batch, the way the Rabbit binder's batch mode
   * does ({@code enable-batching} and {@code batch-mode}): one message whose payload is the list of
   * the bodies, their headers in {@code amqp_batchedHeaders}.
   */
  public void acceptBatch(List<V4Interaction.AsynchronousMessage> messages) {
    List<byte[]> bodies = new ArrayList<>();
    List<Map<String, Object>> headers = new ArrayList<>();
    for (V4Interaction.AsynchronousMessage message : messages) {
      Message<byte[]> one = PactMessages.toMessage(message);
      bodies.add(one.getPayload());
      headers.add(new HashMap<>(one.getHeaders()));
    }
    invoke(
        MessageBuilder.withPayload(bodies)
            .setHeader(BATCHED_HEADERS, headers)
            .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
            .build());
  }

  private void invoke(Message<?> message) {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                JacksonAutoConfiguration.class, ContextFunctionCatalogAutoConfiguration.class))
        .withBean(name, FunctionRegistration.class, this::registration)
        .run(
            context -> {
              if (context.getStartupFailure() != null) {
                throw new IllegalStateException(context.getStartupFailure());
              }
              FunctionInvocationWrapper wrapper =
                  context.getBean(FunctionCatalog.class).lookup(name);
              if (wrapper == null) {
                throw new IllegalStateException("No function " + name + " in the catalog");
              }
              wrapper.apply(message);
            });
  }

  private FunctionRegistration<Object> registration() {
    if (!(function instanceof Consumer<?>)) {
      throw new IllegalStateException(name + " is not a Consumer");
    }
    return new FunctionRegistration<>(function, name).type(type);
  }
}
