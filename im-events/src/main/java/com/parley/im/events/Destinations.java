package com.parley.im.events;

/** Broker destinations (kebab-case facts), one per event type. */
public final class Destinations {

  public static final String USER_REGISTERED = "user-registered";
  public static final String USER_UPDATED = "user-updated";
  public static final String DEVICE_SESSION_REVOKED = "device-session-revoked";

  private Destinations() {}
}
