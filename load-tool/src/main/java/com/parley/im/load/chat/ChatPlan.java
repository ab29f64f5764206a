package com.parley.im.load.chat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who talks to whom, by user index: users {@code 2i} and {@code 2i+1} are a pair with a direct
 * conversation (unless pairs are off); group {@code g} has {@code groupSize} members, the users
 * {@code g*groupSize, g*groupSize+1, ...} modulo the user count, and its first member creates it.
 * Since group members must be friends of the creator, the creator befriends every other member.
 * Each user sends into its conversations in turn: its pair's and its groups'.
 */
public record ChatPlan(
    int users,
    List<Pair> pairs,
    List<Group> groups,
    Set<Pair> friendships,
    List<List<Talk>> talksByUser) {

  /** Two users, {@code a < b}. */
  public record Pair(int a, int b) {
    public static Pair of(int x, int y) {
      return x < y ? new Pair(x, y) : new Pair(y, x);
    }
  }

  /** A group: {@code members.get(0)} creates it. */
  public record Group(int index, List<Integer> members) {
    public int creator() {
      return members.get(0);
    }
  }

  /** A conversation a user sends into: its pair ({@code group == -1}) or a group. */
  public record Talk(int pairPeer, int group) {}

  public static ChatPlan of(int users, boolean withPairs, int groups, int groupSize) {
    if (users < 2) {
      throw new IllegalArgumentException("--users must be at least 2");
    }
    if (groups > 0 && (groupSize < 2 || groupSize > users)) {
      throw new IllegalArgumentException("--group-size must be between 2 and --users");
    }
    if (!withPairs && groups == 0) {
      throw new IllegalArgumentException("no conversations: pairs off and --groups 0");
    }
    List<Pair> pairs = new ArrayList<>();
    Set<Pair> friendships = new LinkedHashSet<>();
    List<List<Talk>> talks = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      talks.add(new ArrayList<>());
    }
    if (withPairs) {
      for (int a = 0; a + 1 < users; a += 2) {
        Pair pair = new Pair(a, a + 1);
        pairs.add(pair);
        friendships.add(pair);
        talks.get(a).add(new Talk(a + 1, -1));
        talks.get(a + 1).add(new Talk(a, -1));
      }
    }
    List<Group> groupList = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      List<Integer> members = new ArrayList<>();
      for (int k = 0; k < groupSize; k++) {
        members.add((g * groupSize + k) % users);
      }
      Group group = new Group(g, List.copyOf(members));
      groupList.add(group);
      for (int member : members) {
        if (member != group.creator()) {
          friendships.add(Pair.of(group.creator(), member));
        }
        talks.get(member).add(new Talk(-1, g));
      }
    }
    return new ChatPlan(
        users,
        List.copyOf(pairs),
        List.copyOf(groupList),
        java.util.Collections.unmodifiableSet(friendships),
        talks.stream().map(List::copyOf).toList());
  }

  /** Users who send at all (with pairs off, users in no group stay idle). */
  public List<Integer> senders() {
    List<Integer> senders = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      if (!talksByUser.get(u).isEmpty()) {
        senders.add(u);
      }
    }
    return senders;
  }
}
