package com.parley.im.relation.block;

import com.parley.im.relation.Ids;
import com.parley.im.relation.block.BlockService.BlockedUser;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /api/blocks}: block, unblock, list (idempotent: 204 whether or not anything changed). */
@RestController
@RequestMapping("/api/blocks")
class BlockController {

  private final BlockService blocks;

  BlockController(BlockService blocks) {
    this.blocks = blocks;
  }

  @PutMapping("/{userId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> block(@AuthenticationPrincipal Jwt token, @PathVariable("userId") String userId) {
    return blocks.block(Ids.caller(token), userId);
  }

  @DeleteMapping("/{userId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> unblock(@AuthenticationPrincipal Jwt token, @PathVariable("userId") String userId) {
    return blocks.unblock(Ids.caller(token), userId);
  }

  @GetMapping
  Mono<List<BlockedUser>> blocks(@AuthenticationPrincipal Jwt token) {
    return blocks.blocks(Ids.caller(token));
  }
}
